package io.edgecollector.collector.lake;

import io.airlift.compress.Compressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Page compression for the Parquet writer without Hadoop's codec classes: Zstd and Snappy
 * from aircompressor (pure Java, no native libraries). The lake is only written here; readers
 * (DuckDB, Spark, pandas) bring their own decompressors.
 */
final class PureJavaCodecs implements CompressionCodecFactory {

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return switch (codec) {
            case ZSTD -> new PageCompressor(codec, new ZstdCompressor());
            case SNAPPY -> new PageCompressor(codec, new SnappyCompressor());
            case UNCOMPRESSED -> new PageCompressor(codec, null);
            default -> throw new IllegalArgumentException("unsupported Parquet codec " + codec + " (use zstd or snappy)");
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        throw new UnsupportedOperationException("the collector writes Parquet; it does not read it");
    }

    @Override
    public void release() {
        // nothing pooled
    }

    private record PageCompressor(CompressionCodecName codec, Compressor compressor) implements BytesInputCompressor {
        @Override
        public BytesInput compress(BytesInput page) throws IOException {
            if (compressor == null) {
                return page;
            }
            ByteArrayOutputStream pageBytes = new ByteArrayOutputStream((int) page.size());
            page.writeAllTo(pageBytes);
            byte[] in = pageBytes.toByteArray();
            byte[] out = new byte[compressor.maxCompressedLength(in.length)];
            int n = compressor.compress(in, 0, in.length, out, 0, out.length);
            return BytesInput.from(Arrays.copyOf(out, n));
        }

        @Override
        public CompressionCodecName getCodecName() {
            return codec;
        }

        @Override
        public void release() {
            // nothing pooled
        }
    }
}
