package io.edgecollector.collector.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A socket's input read through a buffer by the one thread that reads the connection: unlike
 * BufferedInputStream it takes no lock per byte, and {@code available()} is answered from the
 * buffer when it holds bytes (a system call only when it is empty). A backlog is taken in 64 KiB
 * gulps; MQTT's packet headers, read a byte at a time, cost no system call each.
 */
public final class SocketInput extends InputStream {
    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int count;

    public SocketInput(InputStream in, int size) {
        this.in = in;
        this.buf = new byte[size];
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        count = n;
        return true;
    }

    @Override
    public int read() throws IOException {
        if (pos >= count && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int buffered = count - pos;
        if (buffered <= 0) {
            if (len >= buf.length) {
                return in.read(b, off, len); // a large read goes straight through
            }
            if (!fill()) {
                return -1;
            }
            buffered = count - pos;
        }
        int n = Math.min(buffered, len);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        int buffered = count - pos;
        if (buffered > 0) {
            int k = (int) Math.min(buffered, n);
            pos += k;
            return k;
        }
        return in.skip(n);
    }

    @Override
    public int available() throws IOException {
        int buffered = count - pos;
        return buffered > 0 ? buffered : in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
