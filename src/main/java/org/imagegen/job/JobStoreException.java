package org.imagegen.job;

/** The job store could not be read or written; the step that needed it is retried by the status loop. */
public class JobStoreException extends RuntimeException {

    public JobStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
