package dev.tagger.store.local;

import dev.tagger.bulk.BulkInput;
import dev.tagger.bulk.BulkJob;
import dev.tagger.bulk.BulkJobRepository;
import dev.tagger.bulk.BulkOptions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Result chunks on a disk that fills in the middle of one (bench/fault-checks.sh saw a torn line and more lines than
 * the job had processed on a real tmpfs): the chunk leaves none of its bytes, the file keeps exactly the chunks
 * appended before, and appending goes on from there once there is room.
 */
class FileBulkJobRepositoryTest {

    private static final String ENOSPC = "No space left on device";

    /** A real file channel whose disk has {@code room} bytes left: a write past it is short, the next one fails. */
    static final class FillingChannel extends FileChannel {
        final FileChannel real;
        long room;

        FillingChannel(FileChannel real, long room) {
            this.real = real;
            this.room = room;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (room <= 0) {
                throw new IOException(ENOSPC);
            }
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + (int) Math.min(part.remaining(), room));
            int n = real.write(part);
            src.position(src.position() + n);
            room -= n;
            return n;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            real.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return real.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }

    private static byte[] lines(int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            b.append("{\"labels\": [\"joy\"], \"line\": ").append(i).append("}\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aChunkThatDoesNotFitLeavesNoneOfItsBytes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.jsonl");
        byte[] first = lines(0, 4);
        byte[] second = lines(4, 8);
        try (FileChannel real = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
             FillingChannel ch = new FillingChannel(real, first.length + second.length / 2)) {
            FileBulkJobRepository.appendWhole(ch, first);
            assertThatThrownBy(() -> FileBulkJobRepository.appendWhole(ch, second)).hasMessage(ENOSPC);
            assertThat(Files.readString(file)).as("no torn line, no line of the failed chunk")
                    .isEqualTo(new String(first, StandardCharsets.UTF_8));

            ch.room = Long.MAX_VALUE;  // space freed: the chunk goes on at the right place
            FileBulkJobRepository.appendWhole(ch, second);
        }
        assertThat(Files.readAllLines(file)).hasSize(8).endsWith("{\"labels\": [\"joy\"], \"line\": 7}");
    }

    @Test
    void resultsAppendedThroughTheStoreReadBack(@TempDir Path dir) throws Exception {
        FileBulkJobRepository repo = new FileBulkJobRepository(dir);
        try (BulkJobRepository.Draft d = repo.create("job-a")) {
            d.add(new BulkInput(null, "hello"));
            d.commit(BulkJob.queued("job-a", Instant.parse("2026-12-01T00:00:00Z"), "upload:x", "jsonl", 1,
                    new BulkOptions(null, 2, false, null, null, null, null)));
        }
        try (BulkJobRepository.Results r = repo.openResults("job-a")) {
            r.append(lines(0, 1), 1);
        }
        try (InputStream in = repo.readResults("job-a")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"labels\": [\"joy\"], \"line\": 0}\n");
        }
    }
}
