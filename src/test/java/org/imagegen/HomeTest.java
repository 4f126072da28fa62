package org.imagegen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the bundle finds its home, whatever the working directory, and the one line it prints when it finds none. */
class HomeTest {

    @TempDir
    Path root;

    @Test
    void theThinJarInTargetFindsTheCheckout() throws IOException {
        Path checkout = bundleFolder(root.resolve("checkout"));
        Path jar = Files.createDirectories(checkout.resolve("target")).resolve("imagegen-bundle.jar");

        Home home = Home.find(null, null, jar, elsewhere());

        assertThat(home.dir()).isEqualTo(checkout);
        assertThat(home.missing()).isEmpty();
        assertThat(home.config()).isEqualTo(checkout.resolve("config/application.properties"));
        assertThat(home.routes()).isEqualTo(checkout.resolve("routes"));
    }

    @Test
    void theJarInADistributionsLibFindsTheDistribution() throws IOException {
        Path dist = bundleFolder(root.resolve("opt/imagegen"));
        Path jar = Files.createDirectories(dist.resolve("lib")).resolve("imagegen-bundle-1.0.jar");

        assertThat(Home.find(null, null, jar, elsewhere()).dir()).isEqualTo(dist);
    }

    @Test
    void aJarBesideConfigFindsItsOwnFolder() throws IOException {
        Path folder = bundleFolder(root.resolve("here"));

        assertThat(Home.find(null, null, folder.resolve("imagegen-bundle.jar"), elsewhere()).dir()).isEqualTo(folder);
    }

    @Test
    void aJarWithNoConfigNearItFallsBackToTheWorkingDirectory() throws IOException {
        Path jar = Files.createDirectories(root.resolve("a/b/lib")).resolve("imagegen-bundle.jar");
        Path working = bundleFolder(root.resolve("working"));

        Home home = Home.find(null, null, jar, working);

        assertThat(home.dir()).isEqualTo(working);
        assertThat(home.missing()).isEmpty();
    }

    @Test
    void thePropertyWinsOverTheEnvironmentAndTheJar() throws IOException {
        Path checkout = bundleFolder(root.resolve("checkout"));
        Path jar = Files.createDirectories(checkout.resolve("target")).resolve("imagegen-bundle.jar");
        Path chosen = bundleFolder(root.resolve("chosen"));
        Path other = bundleFolder(root.resolve("other"));

        assertThat(Home.find(chosen.toString(), other.toString(), jar, elsewhere()).dir()).isEqualTo(chosen);
        assertThat(Home.find(null, other.toString(), jar, elsewhere()).dir()).isEqualTo(other);
        assertThat(Home.find("  ", " ", jar, elsewhere()).dir()).as("blank means unset").isEqualTo(checkout);
    }

    @Test
    void aRelativeHomeIsTakenFromTheWorkingDirectory() throws IOException {
        Path working = Files.createDirectories(root.resolve("srv"));
        Path home = bundleFolder(working.resolve("imagegen"));

        assertThat(Home.find("imagegen/../imagegen", null, null, working).dir()).isEqualTo(home);
    }

    @Test
    void aHomeWithoutConfigSaysInOneLineWhatIsMissingAndHowToStart() throws IOException {
        Path empty = Files.createDirectories(root.resolve("empty"));

        Home home = Home.find(empty.toString(), null, null, elsewhere());

        assertThat(home.missing()).hasValueSatisfying(line -> assertThat(line)
                .doesNotContain("\n")
                .contains("no config/application.properties in " + empty)
                .contains("from -Dimagegen.home")
                .contains("set IMAGEGEN_HOME or -Dimagegen.home"));
    }

    @Test
    void aHomeWithoutRoutesSaysSo() throws IOException {
        Path home = root.resolve("config-only");
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/application.properties"), "");

        assertThat(Home.find(null, home.toString(), null, elsewhere()).missing()).hasValueSatisfying(line ->
                assertThat(line).contains("no routes/ folder in " + home).contains("from IMAGEGEN_HOME"));
    }

    /** A folder holding config/application.properties and routes/, as a checkout and a distribution do. */
    private static Path bundleFolder(Path folder) throws IOException {
        Files.createDirectories(folder.resolve("config"));
        Files.createDirectories(folder.resolve("routes"));
        Files.writeString(folder.resolve("config/application.properties"), "camel.main.name = test\n");
        return folder;
    }

    private Path elsewhere() throws IOException {
        return Files.createDirectories(root.resolve("elsewhere"));
    }
}
