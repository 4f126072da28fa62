package org.imagegen.job;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.h2.api.DatabaseEventListener;
import org.h2.api.ErrorCode;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStoreException;

/**
 * Counts the times an H2 database file was closed abruptly under the sessions using it. H2 does that when a write to
 * its file fails (a full disk): the store panics and every open session dies (their statements fail with "The
 * database has been closed"); the next connection opens the file again, and what H2 had committed in memory but not
 * yet written is gone. The job store's rows are then older than what the bundle was told it had written: a claim
 * whose release was lost holds its job until its lease runs out, so {@link JobClaims} releases this instance's claims
 * when the count changes, as a restart would.
 * <p>
 * H2 makes the listeners from the URL's {@code DATABASE_EVENT_LISTENER} by class name (hence the static count), and
 * tells them of every statement that failed. An orderly close ({@link #closingDatabase()}, the last connection closed)
 * is not counted: H2 writes everything first, and no session is left to fail.
 */
public final class H2Reopens implements DatabaseEventListener {

    /** The URL setting that has H2 report to this class. */
    public static final String URL_SETTING = ";DATABASE_EVENT_LISTENER='" + H2Reopens.class.getName() + "'";

    private static final Map<String, AtomicInteger> CLOSED = new ConcurrentHashMap<>();

    private String url = "";

    /**
     * How many statements on the database whose URL contains {@code path} failed because H2 had closed it abruptly:
     * a change means the database was (or is about to be) opened again from its file.
     */
    public static int closedAbruptly(String path) {
        return CLOSED.entrySet().stream().filter(e -> e.getKey().contains(path))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    /**
     * A connection to {@code url} found its store closed before any statement of it failed ({@link H2ClosedStores}):
     * counted as such a statement.
     */
    static void closedUnder(String url) {
        CLOSED.computeIfAbsent(url, k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void init(String url) {
        this.url = url == null ? "" : url;
    }

    @Override
    public void exceptionThrown(SQLException e, String sql) {
        if (e.getErrorCode() == ErrorCode.DATABASE_IS_CLOSED || causedByTheStore(e)) {
            closedUnder(url);
        }
    }

    /**
     * A failure of H2's storage itself (a write that failed, the store closed): H2 closes the database after one.
     * Not any MVStoreException: H2 uses them for row-lock timeouts and deadlocks too, which lose nothing (counting
     * those released every claim of a busy instance in the crash harness).
     */
    private static boolean causedByTheStore(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MVStoreException store && (store.getErrorCode() == DataUtils.ERROR_WRITING_FAILED
                    || store.getErrorCode() == DataUtils.ERROR_CLOSED)) {
                return true;
            }
        }
        return false;
    }
}
