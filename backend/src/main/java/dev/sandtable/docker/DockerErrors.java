package dev.sandtable.docker;

import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.exception.UnauthorizedException;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.util.Locale;

/** Turns docker-java's and the transport's exceptions into messages for users, with the engine named. */
final class DockerErrors {
    private DockerErrors() {
    }

    /**
     * @param engine the engine as shown to users ("Docker (unix:///var/run/docker.sock)")
     * @param doing  what was attempted ("pausing web-1")
     */
    static SandtableException map(Throwable t, String engine, DockerHost host, String doing) {
        SandtableException se = t instanceof SandtableException s ? s : null;
        if (se != null) return se;
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null)
            c = c.getCause();
        if (c instanceof SandtableException s) return s;
        String msg = dockerMessage(c);
        if (c instanceof NotFoundException) return new SandtableException(ErrorCode.NOT_FOUND, doing + ": " + msg);
        if (c instanceof ConflictException) {
            ErrorCode code = msg.contains("already in use") ? ErrorCode.ALREADY_EXISTS : ErrorCode.INVALID_STATE;
            return new SandtableException(code, doing + ": " + msg);
        }
        if (c instanceof BadRequestException) return new SandtableException(ErrorCode.INVALID_ARGUMENT, doing + ": " + msg);
        if (c instanceof UnauthorizedException) return new SandtableException(ErrorCode.UNAUTHORIZED, doing + ": " + msg);
        if (c instanceof NotModifiedException) return new SandtableException(ErrorCode.INVALID_STATE, doing + ": nothing to do (" + msg + ")");
        if (c instanceof DockerException de) {
            String lower = msg.toLowerCase(Locale.ROOT);
            if (lower.contains("is not running") || lower.contains("is paused") || lower.contains("is already paused")
                    || lower.contains("is not paused") || lower.contains("removal of container") && lower.contains("in progress"))
                return new SandtableException(ErrorCode.INVALID_STATE, doing + ": " + msg);
            if (lower.contains("no such")) return new SandtableException(ErrorCode.NOT_FOUND, doing + ": " + msg);
            if (lower.contains("no space left")) return new SandtableException(ErrorCode.NO_SPACE, doing + ": " + msg);
            return new SandtableException(de.getHttpStatus() >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT, doing + ": " + msg, de);
        }
        SandtableException conn = connection(c, engine, host);
        if (conn != null) return new SandtableException(conn.code(), doing + ": " + conn.getMessage(), c);
        return new SandtableException(ErrorCode.INTERNAL, doing + ": " + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage()), c);
    }

    /** A transport failure (engine down, socket not allowed) as UNAVAILABLE / UNAUTHORIZED, or null if it is something else. */
    static SandtableException connection(Throwable t, String engine, DockerHost host) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage() == null ? "" : c.getMessage();
            String lower = m.toLowerCase(Locale.ROOT);
            if (lower.contains("permission denied") || lower.contains("access denied") || lower.contains("eacces")) {
                String sock = host.socketPath() == null ? host.uri().toString() : host.socketPath().toString();
                return new SandtableException(ErrorCode.UNAUTHORIZED, "no permission to use the Docker socket " + sock
                        + ": add your user to its group (usually 'docker') and log in again, or run with DOCKER_HOST pointing at an engine you may use");
            }
            if (lower.contains("connection pool shut down"))
                return new SandtableException(ErrorCode.UNAVAILABLE, "the connection to the Docker engine at " + host.uri()
                        + " was reset (the engine went away a moment ago); try again");
            if (lower.contains("connection refused") || lower.contains("no such file") || lower.contains("enoent")
                    || lower.contains("connect timed out") || lower.contains("broken pipe") || lower.contains("connection reset")
                    || c instanceof java.net.ConnectException || c instanceof java.nio.channels.ClosedChannelException
                    || c instanceof java.net.SocketTimeoutException || c instanceof java.net.UnknownHostException
                    || c instanceof org.apache.hc.core5.http.NoHttpResponseException) {
                return new SandtableException(ErrorCode.UNAVAILABLE, "no Docker engine answers at " + host.uri()
                        + " (" + (m.isBlank() ? c.getClass().getSimpleName() : m) + "): is dockerd running?");
            }
        }
        return null;
    }

    /** The engine's own message: docker-java wraps the JSON body, e.g. {"message":"No such container: x"}. */
    static String dockerMessage(Throwable c) {
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        int brace = m.indexOf('{');
        if (brace >= 0) {
            try {
                var node = dev.sandtable.json.Json.mapper().readTree(m.substring(brace, m.lastIndexOf('}') + 1));
                if (node.hasNonNull("message")) return node.get("message").asText().strip();
            } catch (java.io.IOException | RuntimeException notJson) {
                // fall through to the text as it is
            }
        }
        if (m.startsWith("Status ")) {
            int colon = m.indexOf(": ");
            if (colon > 0) m = m.substring(colon + 2).trim();
        }
        return m.strip();
    }
}
