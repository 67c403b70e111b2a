package io.edgecollector.collector.lake;

import io.edgecollector.collector.parse.Quality;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/** Writing Parquet files without Hadoop, and publishing a partition directory all at once. */
final class ParquetFiles {
    static final String PART = "part-00000.parquet";

    private ParquetFiles() {
    }

    static ParquetWriter<GenericRecord> writer(Path file, Schema schema) throws IOException {
        return writer(new LocalOutputFile(file), schema);
    }

    private static ParquetWriter<GenericRecord> writer(OutputFile file, Schema schema) throws IOException {
        return build(AvroParquetWriter.<GenericRecord>builder(file).withSchema(schema).withDataModel(GenericData.get()));
    }

    /**
     * A writer of the lake's measurement rows, with the settings of {@link #writer} and the
     * file parquet-avro writes for {@link LakeSchemas#MEASUREMENT} (see {@link MeasurementWriteSupport}).
     */
    static ParquetWriter<KeyOrder.Row> measurementWriter(Path file) throws IOException {
        return measurementWriter(new LocalOutputFile(file));
    }

    private static ParquetWriter<KeyOrder.Row> measurementWriter(OutputFile file) throws IOException {
        return build(new RowsBuilder(file));
    }

    /**
     * Every lake file's settings, in one place: no Hadoop, zstd in pure Java, and Parquet's
     * version 2 pages, where int64 columns fall back from a dictionary to delta encoding instead
     * of plain (the two timestamp columns of a 1,000,000-line day went from 5.1 MB to 0.56 MB;
     * docs/data.md names the readers).
     */
    private static <T, B extends ParquetWriter.Builder<T, B>> ParquetWriter<T> build(B builder) throws IOException {
        return builder
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(new PureJavaCodecs())
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
                .build();
    }

    private static final class RowsBuilder extends ParquetWriter.Builder<KeyOrder.Row, RowsBuilder> {
        RowsBuilder(OutputFile file) {
            super(file);
        }

        @Override
        protected RowsBuilder self() {
            return this;
        }

        @Override
        protected WriteSupport<KeyOrder.Row> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            throw new UnsupportedOperationException("the lake is written without Hadoop");
        }

        @Override
        protected WriteSupport<KeyOrder.Row> getWriteSupport(ParquetConfiguration conf) {
            return new MeasurementWriteSupport(LakeSchemas.MEASUREMENT);
        }
    }

    /**
     * Loads and initialises the classes that write the lake's files on a thread of its own, by
     * writing a row of each kind into nowhere. A compaction starts it before it reads the raw
     * files: building the first writer and closing it (about 0.4 s, mostly class loading) was
     * done on the writing thread after the last line was read, with the merge waiting on it.
     */
    static void preload() {
        Thread t = new Thread(() -> {
            try {
                KeyOrder.Row row = new KeyOrder.Row("s", "m", 0, 1.0, "u", Quality.VALID, "t", 0);
                try (ParquetWriter<KeyOrder.Row> rows = measurementWriter(new Nowhere())) {
                    rows.write(row);
                }
                HourlyRollup rollup = new HourlyRollup();
                rollup.add(row);
                try (ParquetWriter<GenericRecord> rollups = writer(new Nowhere(), LakeSchemas.ROLLUP)) {
                    rollup.writeTo(rollups);
                }
            } catch (IOException | RuntimeException e) {
                // only a head start: the compaction's own writers report any real failure
            }
        }, "collector-compact-preload");
        t.setDaemon(true);
        t.start();
    }

    /** An output file that keeps nothing. */
    private static final class Nowhere implements OutputFile {
        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return new PositionOutputStream() {
                private long pos;

                @Override
                public long getPos() {
                    return pos;
                }

                @Override
                public void write(int b) {
                    pos++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    pos += len;
                }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return create(blockSizeHint);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }
    }

    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    /**
     * The number of rows a Parquet file's footer records, read back from disk. The file ends
     * with the Thrift-encoded footer, its length (4 bytes, little-endian) and "PAR1"; Parquet's
     * own reader classes would pull in Hadoop, so the footer is decoded directly.
     */
    static long rowCount(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(tail, size - 8);
            int footerLength = tail.getInt(0);
            byte[] magic = Arrays.copyOfRange(tail.array(), 4, 8);
            if (!Arrays.equals(magic, MAGIC) || footerLength <= 0 || footerLength > size - 12) {
                throw new IOException(file + " is not a complete Parquet file");
            }
            ByteBuffer footer = ByteBuffer.allocate(footerLength);
            ch.read(footer, size - 8 - footerLength);
            return Util.readFileMetaData(new ByteArrayInputStream(footer.array())).getNum_rows();
        }
    }

    /** A fresh hidden directory beside the partition (readers skip names starting with '.'). */
    static Path staging(Path partition) throws IOException {
        Files.createDirectories(partition.getParent());
        return Files.createDirectory(partition.resolveSibling(".tmp-" + partition.getFileName() + "-" + UUID.randomUUID()));
    }

    /**
     * Replaces the partition with the staged directory: files are forced to disk, the old
     * partition is moved aside, the new one renamed into place, the old one deleted.
     */
    static void publish(Path staged, Path partition) throws IOException {
        try (Stream<Path> files = Files.list(staged)) {
            for (Path f : files.toList()) {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
        }
        Path old = null;
        if (Files.exists(partition)) {
            old = partition.resolveSibling(".old-" + partition.getFileName() + "-" + UUID.randomUUID());
            Files.move(partition, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staged, partition, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) {
            deleteTree(old);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
