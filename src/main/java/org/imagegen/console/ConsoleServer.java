package org.imagegen.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.SecurityHandler;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.Session;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.session.SessionHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console port: an embedded Jetty 12 serving the jobs page at / and the Hawtio war at /hawtio, in the bundle's
 * own JVM so Hawtio's Jolokia sees the Camel MBeans. Every path but the login page needs a login: Jetty's form
 * authentication for browsers (a session cookie, SameSite=Strict against cross-site requests) or HTTP Basic for
 * scripts ({@link ConsoleAuthenticator}), over a login service that holds the one console user. Hawtio's own
 * login is switched off, as Jetty already guards the whole port in front of it.
 */
public final class ConsoleServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    static final String ROLE = "admin";
    static final String SESSION_COOKIE = "IMAGEGEN_CONSOLE";
    private static final String WEB = "org/imagegen/console/web/";

    private final Server server;
    private final ServerConnector connector;

    public ConsoleServer(ConsoleSettings settings, ConsoleLogin login, JobsServlet jobs) {
        server = new Server(threadPool());
        connector = new ServerConnector(server);
        connector.setHost(settings.bind());
        connector.setPort(settings.port());
        server.addConnector(connector);

        ContextHandlerCollection contexts = new ContextHandlerCollection();
        contexts.addHandler(jobsPage(jobs));
        contexts.addHandler(logout());
        contexts.addHandler(hawtio(settings));

        UserStore users = new UserStore();
        users.addUser(login.user(), new HashedCredential(login.hash()), new String[] {ROLE});
        HashLoginService loginService = new HashLoginService("imagegen");
        loginService.setUserStore(users);

        SecurityHandler.PathMapped security = new SecurityHandler.PathMapped();
        security.setLoginService(loginService);
        // a browser's page navigation is sent to the login form; a script gets 401 and may log in with HTTP Basic
        security.setAuthenticator(new ConsoleAuthenticator("/login.html", "/login.html?error"));
        security.put("/*", Constraint.from(ROLE));
        security.put("/login.html", Constraint.ALLOWED);
        security.put("/console.css", Constraint.ALLOWED);
        security.setHandler(contexts);

        SessionHandler sessions = new SessionHandler();
        sessions.setSessionCookie(SESSION_COOKIE);
        sessions.setSameSite(HttpCookie.SameSite.STRICT);
        sessions.setHttpOnly(true);
        sessions.setSessionPath("/");
        sessions.setMaxInactiveInterval((int) settings.sessionTimeoutSeconds());
        sessions.setHandler(security);
        server.setHandler(sessions);
        server.setStopTimeout(2000);
    }

    private static QueuedThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool(32, 2);
        pool.setName("console");
        return pool;
    }

    private static ServletContextHandler jobsPage(JobsServlet jobs) {
        ServletContextHandler context = new ServletContextHandler("/", ServletContextHandler.NO_SESSIONS);
        context.setBaseResource(ResourceFactory.of(context).newClassLoaderResource(WEB));
        context.setWelcomeFiles(new String[] {"index.html"});
        context.addServlet(new ServletHolder("jobs", jobs), "/api/jobs/*");
        ServletHolder files = new ServletHolder("files", DefaultServlet.class);
        files.setInitParameter("dirAllowed", "false");
        // revalidate every time: a cached page would still show after the login session ended
        files.setInitParameter("cacheControl", "no-cache");
        context.addServlet(files, "/");
        return context;
    }

    /** /logout ends the login session (Jetty's form login keeps it in the session) and shows the login page. */
    private static ContextHandler logout() {
        ContextHandler context = new ContextHandler("/logout");
        context.setAllowNullPathInContext(true); // /logout itself, not redirected to /logout/
        context.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Session session = request.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
                Response.sendRedirect(request, response, callback, "/login.html");
                return true;
            }
        });
        return context;
    }

    private static WebAppContext hawtio(ConsoleSettings settings) {
        Path war = settings.hawtioWar();
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException("imagegen.console.hawtio-war: " + war.toAbsolutePath()
                    + " does not exist (mvn package copies it to target/lib/hawtio-default.war)");
        }
        // Hawtio reads its settings from system properties only. Jetty's login above guards every path, so Hawtio's
        // own (JAAS) login would ask a second time; its proxy to other JVMs' Jolokia is not wanted here.
        System.setProperty("hawtio.authenticationEnabled", "false");
        System.setProperty("hawtio.disableProxy", "true");
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/hawtio");
        webapp.setWar(war.toAbsolutePath().toString());
        webapp.setTempDirectory(settings.workDirectory().toFile());
        webapp.setThrowUnavailableOnStartupException(true);
        // Hawtio logs through the bundle's SLF4J and Logback, not the war's own copy of SLF4J (which would find the
        // bundle's Logback provider, fail to load it, and print an error at every start)
        webapp.getProtectedClassMatcher().add("org.slf4j.");
        // restricts Hawtio's Jolokia to what Hawtio needs: our jolokia-access.xml (see that file)
        webapp.addOverrideDescriptor(ConsoleServer.class.getResource("hawtio-override-web.xml").toExternalForm());
        return webapp;
    }

    public ConsoleServer start() throws Exception {
        try {
            server.start();
        } catch (IOException e) {
            server.stop();
            throw new IllegalStateException("imagegen.console.port: cannot listen on " + connector.getHost() + ":"
                    + connector.getPort() + " (" + e.getMessage() + "); choose another port, or 0 for any free one", e);
        }
        LOG.info("management console on http://{}:{}/ (jobs) and /hawtio (Hawtio); login required",
                hostForUrl(connector.getHost()), connector.getLocalPort());
        return this;
    }

    /** The port it listens on (the chosen one when imagegen.console.port is 0). */
    public int port() {
        return connector.getLocalPort();
    }

    private static String hostForUrl(String host) {
        return host == null || host.isBlank() || host.equals("0.0.0.0") ? "localhost"
                : host.contains(":") ? "[" + host + "]" : host;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
