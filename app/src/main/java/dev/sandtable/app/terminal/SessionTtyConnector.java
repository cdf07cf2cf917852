package dev.sandtable.app.terminal;

import com.techsenger.jeditermfx.core.TtyConnector;
import com.techsenger.jeditermfx.core.util.TermSize;
import dev.sandtable.spi.TerminalSession;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;

/** JediTermFX's TtyConnector over a backend {@link TerminalSession}: UTF-8 both ways, resizes forwarded. */
public final class SessionTtyConnector implements TtyConnector {
    private final TerminalSession session;
    private final Reader reader;
    private final String name;

    public SessionTtyConnector(TerminalSession session, String name) {
        this.session = session;
        this.reader = new InputStreamReader(session.output(), StandardCharsets.UTF_8);
        this.name = name;
    }

    public TerminalSession session() {
        return session;
    }

    @Override
    public int read(char[] buf, int offset, int length) throws IOException {
        return reader.read(buf, offset, length);
    }

    @Override
    public void write(byte[] bytes) {
        session.write(bytes);
    }

    @Override
    public void write(String string) {
        write(string.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean isConnected() {
        return !session.exit().isDone();
    }

    @Override
    public void resize(TermSize size) {
        if (size.getColumns() > 0 && size.getRows() > 0) session.resize(size.getColumns(), size.getRows());
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            return session.exit().get();
        } catch (ExecutionException e) {
            return -1;
        }
    }

    @Override
    public boolean ready() throws IOException {
        return reader.ready();
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public void close() {
        session.close();
    }
}
