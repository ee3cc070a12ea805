package dev.livesync.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A directory deleted and made again (or another renamed onto its name) is sent recursively: the
 * target's copy must lose the old files inside it, and nothing outside it may be touched.
 */
class RecursiveSendTest {
  @ParameterizedTest
  @EnumSource(value = TargetFixture.Kind.class, names = {"LOCAL", "DAEMON"})
  void aRecursiveSendMirrorsTheDirectoryAndKeepsItsSurroundings(TargetFixture.Kind kind) throws Exception {
    byte[] src = Trees.tempDir("rsend-src");
    try (TargetFixture target = TargetFixture.start(kind, null)) {
      Path s = Trees.path(src);
      Path t = Trees.path(target.dir);
      Files.createDirectories(s.resolve("a/d"));
      Files.writeString(s.resolve("a/d/new"), "new");
      Files.createDirectories(t.resolve("a/d/sub"));
      Files.writeString(t.resolve("a/d/old"), "from the directory that was replaced");
      Files.writeString(t.resolve("a/d/sub/older"), "deeper");
      Files.writeString(t.resolve("a/beside"), "not part of the send");
      var transport = new RsyncTransport(src, Target.parse(target.url()), target.options());

      TransferResult r = transport.send(List.of(Bytes.of("a/d")), true);

      assertThat(r.outcome()).as(r.message()).isEqualTo(TransferResult.Outcome.OK);
      assertThat(t.resolve("a/d/new")).hasContent("new");
      assertThat(t.resolve("a/d/old")).doesNotExist();
      assertThat(t.resolve("a/d/sub")).doesNotExist();
      assertThat(t.resolve("a/beside")).hasContent("not part of the send");
    } finally {
      Trees.delete(src);
    }
  }

  @ParameterizedTest
  @EnumSource(value = TargetFixture.Kind.class, names = {"LOCAL", "DAEMON"})
  void underAPolicyThatKeepsDeletedFilesTheOldFilesStay(TargetFixture.Kind kind) throws Exception {
    byte[] src = Trees.tempDir("rsend-src");
    try (TargetFixture target = TargetFixture.start(kind, null)) {
      Path s = Trees.path(src);
      Path t = Trees.path(target.dir);
      Files.createDirectories(s.resolve("d"));
      Files.writeString(s.resolve("d/new"), "new");
      Files.createDirectories(t.resolve("d"));
      Files.writeString(t.resolve("d/old"), "kept: delete = never");
      var transport = new RsyncTransport(src, Target.parse(target.url()), target.options());

      TransferResult r = transport.sendKeepingExtras(List.of(Bytes.of("d")), true);

      assertThat(r.outcome()).as(r.message()).isEqualTo(TransferResult.Outcome.OK);
      assertThat(t.resolve("d/new")).hasContent("new");
      assertThat(t.resolve("d/old")).hasContent("kept: delete = never");
    } finally {
      Trees.delete(src);
    }
  }
}
