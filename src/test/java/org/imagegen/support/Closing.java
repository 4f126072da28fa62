package org.imagegen.support;

/** What a test started, closed when it ends. */
public final class Closing {

    private Closing() {
    }

    /**
     * Closes each of {@code resources} that was started (not null), in order (the bundle before the servers it talks
     * to); one that fails does not keep the others open, and the first failure is thrown once all were tried.
     */
    public static void all(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
