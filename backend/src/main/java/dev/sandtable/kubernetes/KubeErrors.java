package dev.sandtable.kubernetes;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/** Kubernetes failures in words for the user: which context, what was being done, and what to do. */
final class KubeErrors {
    private KubeErrors() {
    }

    /** The HTTP status of a client failure, 0 when there was no answer. */
    static int status(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof KubernetesClientException k && k.getCode() > 0) return k.getCode();
            if (c instanceof WatcherException w && w.isHttpGone()) return 410;
        }
        return 0;
    }

    static boolean unreachable(Throwable t) {
        if (status(t) != 0) return false;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof UnknownHostException || c instanceof TimeoutException
                    || c instanceof java.net.SocketException || c instanceof java.nio.channels.ClosedChannelException) return true;
        }
        return false;
    }

    /**
     * @param doing   what was being done, e.g. "listing sandboxes.agents.x-k8s.io"
     * @param context the kubeconfig context's name
     * @param ns      the namespace
     * @param server  the API server's URL
     */
    static SandtableException of(Throwable t, String doing, String context, String ns, String server) {
        if (t instanceof SandtableException se) return se;
        int code = status(t);
        String detail = detail(t);
        String where = "context '" + context + "'";
        return switch (code) {
            case 401 -> new SandtableException(ErrorCode.UNAUTHORIZED, "the cluster of " + where + " refused its credentials while "
                    + doing + " (401 Unauthorized): the token may have expired; log in again (kubectl, your cloud's CLI) and retry", t);
            case 403 -> new SandtableException(ErrorCode.UNAUTHORIZED, "no permission for " + doing + " in namespace '" + ns + "' of "
                    + where + " (403 Forbidden)" + (detail.isEmpty() ? "" : ": " + detail), t);
            case 404 -> new SandtableException(ErrorCode.NOT_FOUND, "not found while " + doing + " in namespace '" + ns + "'"
                    + (detail.isEmpty() ? "" : ": " + detail), t);
            case 409 -> new SandtableException(ErrorCode.ALREADY_EXISTS, "conflict while " + doing + (detail.isEmpty() ? "" : ": " + detail), t);
            case 400, 422 -> new SandtableException(ErrorCode.INVALID_ARGUMENT, "the cluster rejected " + doing
                    + (detail.isEmpty() ? "" : ": " + detail), t);
            case 0 -> unreachable(t)
                    ? new SandtableException(ErrorCode.UNAVAILABLE, "cannot reach the cluster of " + where + " at " + server
                    + " while " + doing + (detail.isEmpty() ? "" : ": " + detail), t)
                    : new SandtableException(ErrorCode.INTERNAL, doing + " failed: " + (detail.isEmpty() ? t.getClass().getSimpleName() : detail), t);
            default -> new SandtableException(code >= 500 ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL, doing + " failed ("
                    + code + ")" + (detail.isEmpty() ? "" : ": " + detail), t);
        };
    }

    private static String detail(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null)
                return k.getStatus().getMessage();
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m;
    }
}
