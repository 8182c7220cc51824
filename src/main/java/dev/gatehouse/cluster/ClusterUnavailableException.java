package dev.gatehouse.cluster;

/** Redis could not be reached, or did not answer within the timeout: the caller falls back to what it has locally. */
public final class ClusterUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterUnavailableException(String message) {
        super(message);
    }

    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
