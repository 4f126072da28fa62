package org.imagegen.console;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;
import org.imagegen.api.GenerationActions;
import org.imagegen.api.GenerationViews;
import org.imagegen.delivery.ResultFolders;
import org.imagegen.job.DeliveryReport;
import org.imagegen.job.JobQueries;
import org.imagegen.provider.ImageProvider;
import org.imagegen.provider.Providers;
import org.imagegen.routing.ProviderRoutes;
import org.imagegen.spend.BudgetLedger;

/**
 * The console port from imagegen.console.*: the {@link ConsoleServer} bound as "consoleServer" (tests ask
 * it for its port), started and stopped with the Camel context. Applied by BundleConfiguration after the job store,
 * the sinks and the result folders are bound, so the server stops before the job store closes.
 */
public final class ConsoleConfiguration {

    public static final String BEAN = "consoleServer";
    /** A login session ends after this long without a request. */
    private static final long SESSION_TIMEOUT_SECONDS = 30 * 60;

    @PropertyInject("imagegen.console.enabled")
    private boolean enabled;
    @PropertyInject("imagegen.console.port")
    private String port;
    @PropertyInject("imagegen.console.bind")
    private String bind;
    @PropertyInject(value = "imagegen.console.hawtio-war", defaultValue = "")
    private String hawtioWar;
    @PropertyInject("imagegen.console.user")
    private String user;
    @PropertyInject(value = "imagegen.console.password", defaultValue = "")
    private String password;
    @PropertyInject("imagegen.data")
    private String data;
    @BeanInject("jobQueries")
    private JobQueries store;
    @BeanInject("resultFolders")
    private ResultFolders resultFolders;
    @BeanInject("budgetLedger")
    private BudgetLedger budgets;
    @BeanInject("providers")
    private Providers providers;
    @BeanInject("providerRoutes")
    private ProviderRoutes providerRoutes;
    @BeanInject("generationViews")
    private GenerationViews generationViews;
    @BeanInject("generationActions")
    private GenerationActions generationActions;

    private final DeliveryReport deliveries;

    public ConsoleConfiguration(DeliveryReport deliveries) {
        this.deliveries = deliveries;
    }

    /** None when imagegen.console.enabled is false: no console port at all. */
    @BindToRegistry(BEAN)
    public ConsoleServer consoleServer(CamelContext context) throws Exception {
        if (!enabled) {
            return null;
        }
        int portNumber;
        try {
            portNumber = Integer.parseInt(port.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("imagegen.console.port: '" + port + "' is not a port number", e);
        }
        Path dataFolder = Path.of(data.strip());
        String war = hawtioWar.strip();
        ConsoleSettings settings = new ConsoleSettings(bind.strip(), portNumber,
                war.isEmpty() ? defaultWar() : Path.of(war), dataFolder.resolve("console-work"), SESSION_TIMEOUT_SECONDS);
        ConsoleLogin login = ConsoleLogin.resolve(user.strip(), password.strip(), dataFolder, System.out);
        ObjectMapper json = new ObjectMapper();
        JobsView view = new JobsView(store, deliveries, resultFolders, json, budgets, generationViews);
        // the filters name providers and routes as they are when asked: defined providers join when the context starts
        JobFilters filters = new JobFilters(() -> providers.all().stream().map(ImageProvider::name).toList(),
                providerRoutes::names);
        ConsoleActions actions = new ConsoleActions(generationActions, context.createProducerTemplate());
        ConsoleServer server = new ConsoleServer(settings, login, new JobsServlet(view, filters, actions, json));
        // started with the context and stopped before the services added earlier (the job store's pool)
        context.addService(new ServiceSupport() {
            @Override
            protected void doStart() throws Exception {
                server.start();
            }

            @Override
            protected void doStop() throws Exception {
                server.close();
            }
        }, true, false);
        return server;
    }

    /**
     * hawtio-default.war beside the bundle's jar (the distribution's lib/), else lib/hawtio-default.war beside it
     * (target/lib for target/imagegen-bundle.jar or target/classes in the build).
     */
    private static Path defaultWar() throws URISyntaxException {
        Path code = Path.of(ConsoleConfiguration.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path folder = code.toAbsolutePath().getParent();
        Path beside = folder.resolve("hawtio-default.war");
        return Files.isRegularFile(beside) ? beside : folder.resolve("lib").resolve("hawtio-default.war");
    }

}
