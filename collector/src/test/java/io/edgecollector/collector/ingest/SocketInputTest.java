package io.edgecollector.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SocketInputTest {
    /** A source that gives at most 7 bytes a read and counts how often available() reached it. */
    static final class Trickle extends InputStream {
        final ByteArrayInputStream bytes;
        int availableCalls;

        Trickle(byte[] data) {
            bytes = new ByteArrayInputStream(data);
        }

        @Override
        public int read() {
            return bytes.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return bytes.read(b, off, Math.min(len, 7));
        }

        @Override
        public int available() {
            availableCalls++;
            return bytes.available();
        }
    }

    @Test
    void mixedReads_returnTheSourceBytesInOrder_andAvailableComesFromTheBuffer() throws IOException {
        Random random = new Random(18);
        byte[] data = new byte[100_000];
        random.nextBytes(data);
        Trickle source = new Trickle(data);
        SocketInput in = new SocketInput(source, 64);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, in.read(new byte[4], 0, 0));
        int b = in.read();
        out.write(b);
        assertEquals(6, in.available()); // from the buffer: the 7 bytes read, less one
        assertEquals(0, source.availableCalls);
        while (true) {
            int kind = random.nextInt(4);
            if (kind == 0) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                out.write(c);
            } else if (kind == 1) {
                byte[] chunk = new byte[random.nextInt(200) + 1];
                int n = in.read(chunk, 0, chunk.length);
                if (n < 0) {
                    break;
                }
                out.write(chunk, 0, n);
            } else if (kind == 2) {
                in.available();
            } else {
                byte[] chunk = new byte[300];
                int off = random.nextInt(100);
                int n = in.read(chunk, off, 200);
                if (n < 0) {
                    break;
                }
                out.write(chunk, off, n);
            }
        }
        assertArrayEquals(data, out.toByteArray());
        assertEquals(-1, in.read());
        assertEquals(0, in.available());
    }
}
