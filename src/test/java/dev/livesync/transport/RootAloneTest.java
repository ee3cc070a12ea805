package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TargetFixture.Kind;
import dev.livesync.transport.TransferResult.Outcome;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The source's own directory sent as itself ({@code .}) carries its mode, owner and mtime and no
 * top-level entry: a top-level file changed at the source whose own send has not come yet is left
 * as the target has it (a send of it running beside the root's could otherwise be overtaken by the
 * root's older copy), and an entry only the target has stays. On each kind of target.
 */
class RootAloneTest {
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();
  private static final byte[] ROOT = {'.'};
  private final byte[] src = Trees.tempDir("root-src");
  private TargetFixture target;

  @AfterEach
  void tearDown() {
    if (target != null) target.close();
    Trees.delete(src);
  }

  /** A source and a target that differ in every top-level entry, the source's root with its own mode, owner and mtime. */
  private RsyncTransport differing(Kind kind) throws InterruptedException {
    target = TargetFixture.start(kind, SSHD.get());
    Trees.write(at(src, "a.txt"), "new at the source");
    Trees.write(at(src, "sub/b.txt"), "b");
    Trees.write(at(target.dir, "a.txt"), "old");
    Trees.setMtime(at(target.dir, "a.txt"), 1_500_000_000L);
    Trees.write(at(target.dir, "only-there"), "x");
    Trees.chmod(src, 0750);
    Trees.chown(src, 1234, 2345);
    Trees.setMtime(src, 1_600_000_000L);
    return target.transport(src);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void theRootsOwnSendCarriesItsAttributesAndNoEntry(Kind kind) throws Exception {
    RsyncTransport t = differing(kind);

    TransferResult r = t.send(List.of(ROOT), false);

    assertThat(r.outcome()).isEqualTo(Outcome.OK);
    Libc.Stat root = Libc.lstat(target.dir);
    assertThat(root.mode() & 07777).as("mode").isEqualTo(0750);
    assertThat(root.mtimeSec()).as("mtime").isEqualTo(1_600_000_000L);
    assertThat(List.of(root.uid(), root.gid())).as("owner").isEqualTo(List.of(1234, 2345));
    assertThat(Trees.read(at(target.dir, "a.txt"))).as("a top-level file the root's send must not carry").isEqualTo(Bytes.of("old"));
    assertThat(Trees.exists(at(target.dir, "sub"))).as("a top-level directory").isFalse();
    assertThat(Trees.read(at(target.dir, "only-there"))).as("what only the target has").isEqualTo(Bytes.of("x"));
  }

  /** With other paths in the same send, those go, the root's attributes last (their arrival changed the target's mtime). */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void withOtherPathsTheyGoAndTheRootKeepsOnlyItsAttributes(Kind kind) throws Exception {
    RsyncTransport t = differing(kind);
    Trees.write(at(src, "c.txt"), "c");
    Trees.setMtime(src, 1_600_000_000L);

    TransferResult r = t.send(List.of(Bytes.of("c.txt"), ROOT), false);

    assertThat(r.outcome()).isEqualTo(Outcome.OK);
    assertThat(Trees.read(at(target.dir, "c.txt"))).isEqualTo(Bytes.of("c"));
    assertThat(Libc.lstat(target.dir).mtimeSec()).as("the root's mtime, after c.txt arrived").isEqualTo(1_600_000_000L);
    assertThat(Trees.read(at(target.dir, "a.txt"))).isEqualTo(Bytes.of("old"));
    assertThat(Trees.exists(at(target.dir, "sub"))).isFalse();
  }
}
