package io.edgecollector.collector.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** MQTT 5's encodings, as {@link MqttConnection} writes and reads them: packet bodies and property blocks. */
final class MqttCodec {
    private MqttCodec() {
    }

    /** A packet body being written. */
    static final class Packet {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream(64);

        Packet u8(int v) {
            b.write(v);
            return this;
        }

        Packet u16(int v) {
            b.write(v >>> 8);
            b.write(v);
            return this;
        }

        Packet u32(long v) {
            return u16((int) (v >>> 16) & 0xFFFF).u16((int) v & 0xFFFF);
        }

        Packet bytes(byte[] v) {
            b.writeBytes(v);
            return this;
        }

        Packet string(String s) {
            byte[] v = s.getBytes(StandardCharsets.UTF_8);
            return u16(v.length).bytes(v);
        }

        Packet properties(Packet props) {
            int v = props.size();
            do {
                int x = v & 0x7F;
                v >>>= 7;
                b.write(v > 0 ? x | 0x80 : x);
            } while (v > 0);
            return bytes(props.b.toByteArray());
        }

        int size() {
            return b.size();
        }

        void copyTo(byte[] target, int at) {
            byte[] v = b.toByteArray();
            System.arraycopy(v, 0, target, at, v.length);
        }
    }

    /** The properties of an answer the connection looks at. */
    static final class Properties {
        int serverKeepAlive = -1;
        String reason = "";

        String why() {
            return reason.isEmpty() ? "" : " (" + reason + ")";
        }
    }

    /** Reads a packet body already in memory. */
    static final class Reader {
        private final byte[] b;
        private int at;

        Reader(byte[] b) {
            this.b = b;
        }

        int remaining() {
            return b.length - at;
        }

        private void need(int n) {
            if (remaining() < n) {
                throw new IllegalStateException("malformed packet from the broker: " + n + " bytes needed, " + remaining() + " left");
            }
        }

        int u8() {
            need(1);
            return b[at++] & 0xFF;
        }

        int u16() {
            return (u8() << 8) | u8();
        }

        long u32() {
            return ((long) u16() << 16) | u16();
        }

        int varInt() {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int x = u8();
                v |= (x & 0x7F) << (7 * i);
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalStateException("malformed packet from the broker: a variable integer longer than four bytes");
        }

        String string() {
            int n = u16();
            need(n);
            String s = new String(b, at, n, StandardCharsets.UTF_8);
            at += n;
            return s;
        }

        /** A property block: Server Keep Alive and Reason String kept, every other property skipped by its type. */
        Properties properties() {
            Properties p = new Properties();
            int length = varInt();
            need(length);
            int end = at + length;
            while (at < end) {
                int id = varInt();
                switch (id) {
                    case 0x13 -> p.serverKeepAlive = u16();
                    case 0x1F -> p.reason = string();
                    // one byte
                    case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> u8();
                    // two bytes
                    case 0x21, 0x22, 0x23 -> u16();
                    // four bytes
                    case 0x02, 0x11, 0x18, 0x27 -> u32();
                    case 0x0B -> varInt();
                    // strings and binary data, both length-prefixed
                    case 0x03, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1A, 0x1C -> string();
                    case 0x26 -> {
                        string();
                        string();
                    }
                    default -> throw new IllegalStateException("malformed packet from the broker: unknown property " + id);
                }
            }
            return p;
        }
    }
}
