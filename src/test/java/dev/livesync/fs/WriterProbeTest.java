package dev.livesync.fs;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Trees;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real files, real writers (this JVM and other processes): is the file open for writing now? */
class WriterProbeTest {
  final byte[] dir = Trees.tempDir("writer-probe");

  @AfterEach
  void cleanUp() {
    Trees.delete(dir);
  }

  @Test
  void aRegularFileIsBeingWrittenExactlyWhileOpenForWriting() throws Exception {
    Trees.write(at(dir, "f"), "x");
    assertThat(WriterProbe.beingWritten(at(dir, "f"))).isFalse();
    try (var ch = FileChannel.open(Trees.path(at(dir, "f")), StandardOpenOption.WRITE)) {
      assertThat(WriterProbe.beingWritten(at(dir, "f"))).isTrue();
    }
    assertThat(WriterProbe.beingWritten(at(dir, "f"))).isFalse();
    try (var rw = new RandomAccessFile(Trees.path(at(dir, "f")).toFile(), "rw")) {
      assertThat(WriterProbe.beingWritten(at(dir, "f"))).as("O_RDWR").isTrue();
    }
    try (var ro = FileChannel.open(Trees.path(at(dir, "f")), StandardOpenOption.READ)) {
      assertThat(WriterProbe.beingWritten(at(dir, "f"))).as("read-only readers do not count").isFalse();
    }
  }

  @Test
  void aWriterInAnotherProcessCounts() throws Exception {
    Trees.write(at(dir, "log"), "");
    Process p = new ProcessBuilder("sh", "-c", "exec 3>>\"$1\"; echo open; read line", "sh", Trees.path(at(dir, "log")).toString()).start();
    try {
      assertThat(p.inputReader().readLine()).isEqualTo("open");
      assertThat(WriterProbe.beingWritten(at(dir, "log"))).isTrue();
      assertThat(WriterProbe.procSaysWritten(at(dir, "log"))).as("the /proc fallback agrees").isTrue();
    } finally {
      p.getOutputStream().close();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(WriterProbe.beingWritten(at(dir, "log"))).isFalse();
    assertThat(WriterProbe.procSaysWritten(at(dir, "log"))).isFalse();
  }

  @Test
  void nothingButARegularFileIsEverBeingWritten() throws Exception {
    Trees.write(at(dir, "target"), "t");
    Libc.symlink(Bytes.of("target"), at(dir, "link"));
    Trees.mkdirs(at(dir, "dir"));
    assertThat(new ProcessBuilder("mkfifo", Trees.path(at(dir, "fifo")).toString()).start().waitFor()).isZero();
    try (var ch = FileChannel.open(Trees.path(at(dir, "target")), StandardOpenOption.WRITE)) {
      assertThat(WriterProbe.beingWritten(at(dir, "link"))).as("a symlink to a file being written").isFalse();
    }
    assertThat(WriterProbe.beingWritten(at(dir, "dir"))).isFalse();
    assertThat(WriterProbe.beingWritten(at(dir, "fifo"))).isFalse();
    assertThat(WriterProbe.beingWritten(Bytes.of("/dev/null"))).isFalse();
    assertThat(WriterProbe.beingWritten(at(dir, "missing"))).isFalse();
    assertThat(WriterProbe.beingWritten(at(dir, "missing/below"))).isFalse();
  }

  @Test
  void theLeaseIsGoneAfterTheProbeSoAWriterOpensAtOnce() throws Exception {
    Trees.write(at(dir, "f"), "x");
    for (int i = 0; i < 100; i++) assertThat(WriterProbe.beingWritten(at(dir, "f"))).isFalse();
    long t0 = System.nanoTime();
    try (var ch = FileChannel.open(Trees.path(at(dir, "f")), StandardOpenOption.WRITE)) {
      assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }
  }
}
