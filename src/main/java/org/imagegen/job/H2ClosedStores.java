package org.imagegen.job;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

import javax.sql.DataSource;

import org.h2.api.ErrorCode;
import org.h2.engine.Database;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.message.DbException;
import org.h2.mvstore.MVStore;

/**
 * The job store's H2 connections, each refused (and its session closed without a statement) once H2 has closed the
 * store under it, as it does when a write fails for a full disk.
 * <p>
 * Why: H2 2.4 leaves a session of such a store poisoned. A ROLLBACK run after the close (the pool's own on a returned
 * connection, or the bundle's after a failed step) fails after releasing its transaction's hold on the store's
 * version, and the session releases it a second time when the statement ends; the session also keeps that closed
 * transaction. The store's version counter is then below zero and, the store being closed, nothing ever moves it on:
 * the next statement of any session of that store that still has a transaction (the poisoned one included, and the
 * pool's validation query on it) loops in {@code MVStore.registerVersionUsage} at full CPU for good (with {@code -ea},
 * fails an assertion there). No timeout ends that loop: it checks no cancel flag. A session without a transaction is
 * safe (H2 checks the store before it begins one), and so is closing the session itself, which runs no statement.
 * <p>
 * So every call on a connection, a statement or the metadata first looks at the session's store (a field read, no
 * statement): closed, or failed and about to close, and the call runs nothing; the session is closed directly and the
 * call fails with SQL state 08003, which the pool (HikariCP) takes for a broken connection and evicts it; the next
 * connection opens the database again from its file. The first such refusal for a store also counts, for
 * {@link H2Reopens}, as a statement failed for its close (a failed background write closes the store without any
 * statement failing), shuts that database down, so that H2 no longer hands new sessions to it, and tells the pool to
 * let go of the connections it holds.
 */
public final class H2ClosedStores {

    /** What can run statements on a session: each of these a guarded object hands out is guarded as well. */
    private static final Set<Class<?>> GUARDED = Set.of(Connection.class, Statement.class, PreparedStatement.class,
            CallableStatement.class, DatabaseMetaData.class);

    private H2ClosedStores() {
    }

    /**
     * H2's data source for {@code url}, its connections guarded. {@code onClosed} runs once for each store H2 closed
     * under them (the pool's eviction of the connections it holds).
     */
    public static DataSource dataSource(String url, String user, String password, Runnable onClosed) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        h2.setUser(user);
        h2.setPassword(password);
        return wrap(DataSource.class, h2, null, new Notices(url, onClosed));
    }

    private static <T> T wrap(Class<T> type, Object target, SessionLocal session, Notices notices) {
        return type.cast(Proxy.newProxyInstance(H2ClosedStores.class.getClassLoader(), new Class<?>[] {type},
                new Guard(target, session, notices)));
    }

    /**
     * One guarded object: {@code session} is the embedded session under it (null for the data source itself, or a
     * remote session, where there is nothing to guard).
     */
    private record Guard(Object target, SessionLocal session, Notices notices) implements InvocationHandler {

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "guarded " + target;
                default:
                    break;
            }
            if (session != null && storeClosed(session)) {
                notices.closed(session);
                closeQuietly(session);
                return switch (method.getName()) {
                    case "close" -> null;
                    case "isClosed" -> true;
                    case "isValid" -> false;
                    default -> throw new SQLNonTransientConnectionException("The database has been closed: H2 closed"
                            + " its store under this connection (a write failed: disk full?); it is dropped, and a new"
                            + " connection opens the database again", "08003", ErrorCode.DATABASE_IS_CLOSED);
                };
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            Class<?> type = method.getReturnType();
            if (result == null || !GUARDED.contains(type)) {
                return result;
            }
            return wrap(type, result, session != null ? session : sessionOf(result), notices);
        }
    }

    /** The embedded session under an H2 connection; null for a remote one (nothing to guard there). */
    private static SessionLocal sessionOf(Object connection) {
        return connection instanceof JdbcConnection h2 && h2.getSession() instanceof SessionLocal local ? local : null;
    }

    /** Whether H2 closed the store under the session, or a write failed and it is about to (its panic). */
    static boolean storeClosed(SessionLocal session) {
        Database database = databaseOf(session);
        if (database == null || database.isClosing()) {
            return true;
        }
        MVStore store = database.getStore().getMvStore();
        return store.getPanicException() != null || store.isClosed();
    }

    /** The session's database, or null once the session is closed (H2 closes the one whose write failed). */
    private static Database databaseOf(SessionLocal session) {
        try {
            return session.getDatabase();
        } catch (DbException e) {
            return null;
        }
    }

    private static void closeQuietly(SessionLocal session) {
        try {
            session.close(); // rolls back in memory and leaves the database: no statement, nothing that can loop
        } catch (RuntimeException e) {
            // the session is closed all the same (H2 marks it closed first); what failed was the closed store
        }
    }

    /**
     * Has H2 forget a database whose store it closed, so that the next connection opens the file afresh. H2 keeps
     * such a database registered (new sessions are handed to it) until a statement of one of its sessions finds the
     * store closed and shuts it down itself; after a failed background write no statement has, and the guard lets
     * none run. Not when it is closing already: H2 has forgotten it then, and shutting it down again would make H2
     * forget (by name) a database opened afresh since.
     */
    private static void shutDown(Database database) {
        if (!database.isClosing()) {
            database.shutdownImmediately(); // closes its files, no statement; H2 does the same when one fails
        }
    }

    /** The stores already found closed, each reported once. */
    private static final class Notices {
        private final String url;
        private final Runnable onClosed;
        private final Set<Database> reported = Collections.synchronizedSet(
                Collections.newSetFromMap(new WeakHashMap<Database, Boolean>()));

        Notices(String url, Runnable onClosed) {
            this.url = url;
            this.onClosed = onClosed;
        }

        void closed(SessionLocal session) {
            Database database = databaseOf(session);
            if (database != null && reported.add(database)) {
                shutDown(database);
                H2Reopens.closedUnder(url);
                onClosed.run();
            }
        }
    }
}
