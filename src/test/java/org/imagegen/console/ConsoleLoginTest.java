package org.imagegen.console;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.imagegen.support.Folders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The console login: a configured password, or one generated once, shown once, and kept only as a hash. */
class ConsoleLoginTest {

    private static final Pattern SHOWN = Pattern.compile("password: (\\S+)");

    @Test
    void hashMatchesOnlyItsPasswordAndSurvivesItsStoredForm() {
        PasswordHash hash = PasswordHash.of("correct horse".toCharArray());
        PasswordHash read = PasswordHash.parse(hash.stored());
        assertThat(read.matches("correct horse".toCharArray())).isTrue();
        assertThat(read.matches("correct hors".toCharArray())).isFalse();
        assertThat(hash.stored()).startsWith("pbkdf2-sha256:").doesNotContain("correct");
        // salted: the same password hashes differently each time
        assertThat(PasswordHash.of("correct horse".toCharArray()).stored()).isNotEqualTo(hash.stored());
        assertThatThrownBy(() -> PasswordHash.parse("md5:abc")).hasMessageContaining("not a pbkdf2-sha256");
    }

    @Test
    void generatedPasswordIsShownOnceAndOnlyItsHashIsStored() throws Exception {
        Path data = new Folders("management-login").clean().data;
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        ConsoleLogin login = ConsoleLogin.resolve("admin", "", data, new PrintStream(first, true, StandardCharsets.UTF_8));

        Matcher shown = SHOWN.matcher(first.toString(StandardCharsets.UTF_8));
        assertThat(shown.find()).as(first.toString(StandardCharsets.UTF_8)).isTrue();
        String password = shown.group(1);
        assertThat(password).hasSize(20);
        assertThat(login.matches("admin", password.toCharArray())).isTrue();
        assertThat(login.matches("root", password.toCharArray())).isFalse();
        String stored = Files.readString(data.resolve(ConsoleLogin.HASH_FILE));
        assertThat(stored).startsWith("pbkdf2-sha256:").doesNotContain(password);

        ByteArrayOutputStream second = new ByteArrayOutputStream();
        ConsoleLogin again = ConsoleLogin.resolve("admin", "", data, new PrintStream(second, true, StandardCharsets.UTF_8));
        assertThat(second.size()).isZero();
        assertThat(again.matches("admin", password.toCharArray())).isTrue();
    }

    @Test
    void configuredPasswordIsUsedAndNeverWritten() {
        Path data = new Folders("management-login-configured").clean().data;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConsoleLogin login = ConsoleLogin.resolve("ops", "from-env", data, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(login.matches("ops", "from-env".toCharArray())).isTrue();
        assertThat(login.matches("ops", "other".toCharArray())).isFalse();
        assertThat(out.size()).isZero();
        assertThat(data.resolve(ConsoleLogin.HASH_FILE)).doesNotExist();
    }

    @Test
    void aDamagedHashFileIsAClearError() throws Exception {
        Path data = new Folders("management-login-damaged").clean().data;
        Files.createDirectories(data);
        Files.writeString(data.resolve(ConsoleLogin.HASH_FILE), "hunter2\n");
        assertThatThrownBy(() -> ConsoleLogin.resolve("admin", "", data, System.out))
                .hasMessageContaining(ConsoleLogin.HASH_FILE).hasMessageContaining("delete the file");
    }
}
