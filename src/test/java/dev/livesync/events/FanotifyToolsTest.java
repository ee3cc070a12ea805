package dev.livesync.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Await;
import dev.livesync.testing.LoopFs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code events}/{@code stats} with {@code -F}/{@code -S} as inotify-tools 4.25's fsnotifywait and
 * fsnotifywatch, in the cases inotify-tools' own test suite runs: {@code --fanotify --recursive} on a
 * directory and {@code --filesystem} on a loop-mounted ext2, plus {@code -t -1}'s check and the error
 * on a filesystem fanotify cannot mark.
 */
class FanotifyToolsTest {
  @TempDir Path tmp;
  LoopFs fs;

  @AfterEach
  void unmount() throws Exception {
    if (fs != null) fs.close();
  }

  record Result(int code, String out, String err) {}

  /** Runs events (or stats) in the background; {@code whenWatching} runs once it said the watches are up. */
  static Result run(boolean stats, Runnable whenWatching, String... args) throws Exception {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    var stdin = new ByteArrayInputStream(new byte[0]);
    CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> stats
        ? InotifyWatch.run(args, stdin, out, err, false) : InotifyWait.run(args, stdin, out, err));
    String ready = stats ? "Finished establishing watches" : "Watches established.";
    Await.until("'" + ready + "' on stderr, or the tool ended", Duration.ofSeconds(20),
        () -> err.toString(StandardCharsets.ISO_8859_1).contains(ready) || code.isDone(), () -> err.toString(StandardCharsets.ISO_8859_1));
    if (whenWatching != null && !code.isDone()) whenWatching.run();
    int c = code.get(30, TimeUnit.SECONDS);
    return new Result(c, out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.ISO_8859_1));
  }

  static Runnable write(Path p) {
    return () -> {
      try {
        Files.writeString(p, "x");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }

  @Test
  void fanotifyRecursiveReportsAnEventInASubdirectory() throws Exception {
    fs = LoopFs.ext4(tmp, 16);
    Path dir = Files.createDirectories(fs.root().resolve("watched/sub"));
    Result r = run(false, write(dir.resolve("f")), "--fanotify", "--recursive", "-e", "create", "-t", "20", fs.root().resolve("watched").toString());
    assertThat(r.err()).isEqualTo("Setting up watches.  Beware: since -r was given, this may take a while!\nWatches established.\n");
    assertThat(r.out()).isEqualTo(dir + "/ CREATE f\n");
    assertThat(r.code()).isZero();
  }

  @Test
  void fanotifyWithoutFilesystemReportsNothingBesideTheTree() throws Exception {
    fs = LoopFs.ext4(tmp, 16);
    Path dir = Files.createDirectories(fs.root().resolve("watched/sub"));
    Path beside = Files.createDirectories(fs.root().resolve("beside"));
    Result r = run(false, () -> {
      write(beside.resolve("not-this")).run();
      write(dir.resolve("this")).run();
    }, "-F", "-r", "-e", "create", "-t", "20", fs.root().resolve("watched").toString());
    assertThat(r.out()).isEqualTo(dir + "/ CREATE this\n");
  }

  @Test
  void filesystemWatchOnALoopMountedExt2SeesTheWholeFilesystem() throws Exception {
    fs = LoopFs.make(tmp, 16, "ext2");
    Path watched = Files.createDirectories(fs.root().resolve("watched"));
    Path elsewhere = Files.createDirectories(fs.root().resolve("elsewhere"));
    Result r = run(false, write(elsewhere.resolve("g")), "-S", "-e", "create", "-t", "20", watched.toString());
    assertThat(r.err()).isEqualTo("Setting up filesystem watches.\nWatches established.\n");
    assertThat(r.out()).isEqualTo(elsewhere + "/ CREATE g\n");
    assertThat(r.code()).isZero();
  }

  @Test
  void aNegativeTimeoutChecksTheFilesystemAndAborts() throws Exception {
    fs = LoopFs.ext4(tmp, 16);
    Result r = run(false, null, "--filesystem", "-t", "-1", fs.root().toString());
    assertThat(r.err()).isEqualTo("Setting up filesystem watches.\nWatches established.\nNegative timeout specified - abort!\n");
    assertThat(r.code()).isEqualTo(1);
    r = run(true, null, "--filesystem", "-t", "-1", fs.root().toString());
    assertThat(r.err()).isEqualTo("Establishing watches...\nSetting up filesystem watch on " + fs.root()
        + "\nFinished establishing watches, now collecting statistics.\nNegative timeout specified - abort!\n");
    assertThat(r.code()).isEqualTo(1);
  }

  @Test
  void aFilesystemWithoutFileHandlesIsRefusedInInotifyToolsWords() throws Exception {
    Result r = run(false, null, "-S", "-t", "-1", "/proc");
    assertThat(r.err()).isEqualTo("Setting up filesystem watches.\nCouldn't add filesystem watch /proc: Operation not supported\n");
    assertThat(r.code()).isEqualTo(1);
  }

  @Test
  void statsWithAFilesystemMarkCountPerDirectory() throws Exception {
    fs = LoopFs.ext4(tmp, 16);
    Path a = Files.createDirectories(fs.root().resolve("a"));
    Path b = Files.createDirectories(fs.root().resolve("b"));
    Result r = run(true, () -> {
      write(a.resolve("1")).run();
      write(a.resolve("2")).run();
      write(b.resolve("3")).run();
    }, "-S", "-e", "create", "-t", "3", a.toString());
    assertThat(r.out()).isEqualTo("total  create  filename\n2      2       " + a + "/\n1      1       " + b + "/\n");
    assertThat(r.code()).isZero();
  }
}
