package org.imagegen.support;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job store on PostgreSQL that a test can cut off from the bundle and give back ({@link TcpProxy} in between): the
 * test PostgreSQL of {@link TestPostgres} (the real server .ci/run names, else an embedded one), in a schema of its
 * own. PostgreSQL, not H2 over TCP: an outage of the network to the database is a PostgreSQL deployment's fault (the
 * default H2 is a file in the bundle's own process), and H2's client reports a broken connection with SQL state 90121,
 * which the connection pool does not take for a broken connection (it keeps handing it out).
 */
public record ProxiedDatabase(TcpProxy proxy, String url, String directUrl, String previousUrl)
        implements AutoCloseable {

    private static final Pattern POSTGRES = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/(.*)");

    public static ProxiedDatabase start(String name) {
        String direct = TestPostgres.freshSchemaUrl("outage_" + name);
        Matcher m = POSTGRES.matcher(direct);
        if (!m.matches()) {
            throw new IllegalStateException("not a PostgreSQL URL: " + m);
        }
        TcpProxy proxy = new TcpProxy(m.group(1), Integer.parseInt(m.group(2)));
        String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + m.group(3);
        String previous = null;
        if ("postgres".equals(System.getProperty("imagegen.test.db"))) {
            // PostgresJobStore's system property overrides a bundle's own settings: point it at the proxy meanwhile
            previous = System.getProperty("imagegen.db.url");
            System.setProperty("imagegen.db.url", url);
        }
        return new ProxiedDatabase(proxy, url, direct, previous);
    }

    /** The bundle's settings for this database, followed by {@code extra}. */
    public String[] settings(String... extra) {
        return settings(url, extra);
    }

    /** Settings for the same database without the proxy: an instance the test never cuts off. */
    public String[] directSettings(String... extra) {
        return settings(directUrl, extra);
    }

    private static String[] settings(String url, String... extra) {
        List<String> settings = new ArrayList<>(List.of("imagegen.db.url=" + url,
                "imagegen.db.user=" + TestPostgres.user(), "imagegen.db.password="));
        settings.addAll(List.of(extra));
        return settings.toArray(String[]::new);
    }

    /** The database unreachable: open connections broken, new ones closed as soon as they are made. */
    public void cut() {
        proxy.cut();
    }

    public void restore() {
        proxy.restore();
    }

    @Override
    public void close() {
        proxy.close();
        if (previousUrl != null) {
            System.setProperty("imagegen.db.url", previousUrl);
        }
    }
}
