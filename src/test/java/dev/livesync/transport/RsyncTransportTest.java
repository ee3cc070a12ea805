package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TargetFixture.Kind;
import dev.livesync.transport.TransferResult.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every target kind against real rsync: a local dir, a daemon with auth, sshd on loopback. */
class RsyncTransportTest {
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private byte[] src;


  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : cleanup.reversed()) c.close();
    if (src != null) Trees.delete(src);
  }

  private TargetFixture target(Kind kind) throws InterruptedException {
    var t = TargetFixture.start(kind, SSHD.get());
    cleanup.add(t);
    return t;
  }

  /** Hostile names as files at the top, as directories holding a file, and a deep path. Returns the file paths. */
  private List<byte[]> hostileSource() {
    src = Trees.tempDir("ls-src");
    Trees.chmod(src, 0755);
    List<byte[]> files = new ArrayList<>();
    int i = 0;
    for (byte[] name : Trees.hostileNames()) {
      files.add(name);
      Trees.write(at(src, name), Bytes.concat(Bytes.of("data " + i++ + " "), name));
      byte[] inDir = Bytes.concat(Bytes.of("dirs/"), name, Bytes.of("/f"));
      files.add(inDir);
      Trees.write(at(src, inDir), name);
    }
    byte[] deep = Bytes.concat(Trees.deepPath(150), Bytes.of("/leaf"));
    Trees.write(at(src, deep), "deep");
    files.add(deep);
    Trees.chmod(at(src, files.get(0)), 0640);
    Trees.symlink(at(src, Bytes.of("link")), Trees.hostileNames().get(4));
    files.add(Bytes.of("link"));
    return files;
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void hostileNamesAreSentAndDeletedOneBatchEach(Kind kind) throws Exception {
    List<byte[]> files = hostileSource();
    var t = target(kind);
    RsyncTransport transport = t.transport(src);

    TransferResult sent = transport.send(files, false);
    assertThat(sent.outcome()).as(sent.message()).isEqualTo(Outcome.OK);
    Trees.assertSameTree(src, t.dir, Trees.Ignore.DIR_MTIMES);
    assertThat(sent.files()).isEqualTo(files.size() - 1); // every regular file; the symlink is not a regular file
    Trees.assertSameTree(src, t.dir, Trees.Ignore.DIR_MTIMES);

    List<byte[]> deleted = new ArrayList<>();
    for (int i = 0; i < files.size(); i += 2) {
      Trees.delete(at(src, files.get(i)));
      deleted.add(files.get(i));
    }
    deleted.add(Bytes.of("dirs")); // not deleted: sent with the rest, must stay
    TransferResult del = transport.send(deleted, false);
    assertThat(del.outcome()).as(del.message()).isEqualTo(Outcome.OK);
    Trees.assertSameTree(src, t.dir, Trees.Ignore.DIR_MTIMES);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void recursiveSendShipsAWholeDirectoryAndDeletesAWholeOne(Kind kind) throws Exception {
    hostileSource();
    var t = target(kind);
    RsyncTransport transport = t.transport(src);
    TransferResult r = transport.send(List.of(Bytes.of("dirs"), Bytes.of("deep-directory-000")), true);
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.OK);
    Trees.assertSameTree(at(src, Bytes.of("dirs")), at(t.dir, Bytes.of("dirs")));

    Trees.delete(at(src, Bytes.of("dirs")));
    r = transport.send(List.of(Bytes.of("dirs")), false);
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.OK);
    assertThat(Trees.exists(at(t.dir, Bytes.of("dirs")))).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void fullSyncMirrorsAndDeletesExtrasOnlyWhenAsked(Kind kind) throws Exception {
    hostileSource();
    var t = target(kind);
    RsyncTransport transport = t.transport(src);
    Trees.write(at(t.dir, Bytes.of("extra\nfile")), "x");
    TransferResult r = transport.fullSync(false);
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.OK);
    assertThat(Trees.exists(at(t.dir, Bytes.of("extra\nfile")))).isTrue();
    r = transport.fullSync(true);
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.OK);
    Trees.assertSameTree(src, t.dir);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void compareFindsMissingExtraAndDifferingWithRawNames(Kind kind) throws Exception {
    hostileSource();
    var t = target(kind);
    RsyncTransport transport = t.transport(src);
    assertThat(transport.fullSync(true).outcome()).isEqualTo(Outcome.OK);
    assertThat(transport.compare(false).isEmpty()).isTrue();

    byte[] gbk = Trees.hostileNames().get(Trees.hostileNames().size() - 6);
    byte[] nl = Bytes.of("new\nline");
    Trees.delete(at(t.dir, gbk));                          // missing at the target
    Trees.write(at(t.dir, Bytes.of("-extra \\#012")), "x"); // extra at the target
    byte[] changed = at(t.dir, nl);                        // same size and mtime, other bytes: only --checksum sees it
    var mtime = java.nio.file.Files.getLastModifiedTime(Trees.path(changed)); // to the nanosecond, as rsync compares
    byte[] old = Trees.read(changed);
    byte[] flipped = old.clone();
    flipped[0] ^= 1;
    Trees.write(changed, flipped);
    java.nio.file.Files.setLastModifiedTime(Trees.path(changed), mtime);

    Drift quick = transport.compare(false);
    assertThat(quick.missing()).extracting(Bytes::display).containsExactly(Bytes.display(gbk));
    assertThat(quick.extra()).extracting(Bytes::display).containsExactly("-extra \\\\#012");
    assertThat(quick.differing()).isEmpty();
    Drift full = transport.compare(true);
    assertThat(full.differing()).extracting(Bytes::display).containsExactly(Bytes.display(nl));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void renameMovesAtTheTargetWhereTheTransportCan(Kind kind) throws Exception {
    hostileSource();
    var t = target(kind);
    RsyncTransport transport = t.transport(src);
    assertThat(transport.fullSync(true).outcome()).isEqualTo(Outcome.OK);
    byte[] from = Bytes.of("quote'single");
    byte[] to = new byte[] {'-', 'r', 'e', 'n', 'a', 'm', 'e', 'd', '\n', '\'', (byte) 0xb9};
    Trees.write(at(t.dir, Bytes.of("marker")), "the target copy, not re-sent");
    byte[] targetCopy = Trees.read(at(t.dir, from));

    boolean renamed = transport.rename(from, to);
    assertThat(renamed).isEqualTo(kind != Kind.DAEMON);
    if (renamed) {
      assertThat(Trees.exists(at(t.dir, from))).isFalse();
      assertThat(Trees.read(at(t.dir, to))).isEqualTo(targetCopy);
      byte[] dirFrom = Bytes.of("dirs");
      assertThat(transport.rename(dirFrom, Bytes.of("dirs renamed"))).isTrue();
      assertThat(Trees.exists(at(t.dir, Bytes.of("dirs renamed/with space/f")))).isTrue();
    }
    assertThat(transport.rename(Bytes.of("no such file"), Bytes.of("x"))).isFalse();
    assertThat(transport.rename(Bytes.of("link"), Bytes.of("no/such/parent"))).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void theTopLevelDryRunListsWhatDiffersAtTheTopAndNothingBelow(Kind kind) throws Exception {
    List<byte[]> files = hostileSource();
    var t = target(kind);
    RsyncTransport transport = t.transport(src);
    assertThat(transport.fullSync(true).outcome()).isEqualTo(Outcome.OK);
    assertThat(transport.topLevel().isEmpty()).as("an equal target").isTrue();

    Trees.delete(at(t.dir, files.get(0))); // a hostile name at the top
    Trees.write(at(t.dir, Bytes.of("extra/x")), "only at the target"); // a directory and what it holds
    Trees.write(at(t.dir, Bytes.of("link2")), "");
    Trees.chmod(at(t.dir, Bytes.of("dirs")), 0700);
    Trees.write(at(t.dir, files.get(1)), "changed below the top: not looked at");
    Drift d = transport.topLevel();
    assertThat(d.missing()).extracting(Bytes::display).containsExactly(Bytes.display(files.get(0)));
    assertThat(d.extra()).extracting(Bytes::display).contains("extra", "link2").allMatch(n -> n.equals("link2") || n.startsWith("extra"));
    assertThat(d.differing()).extracting(Bytes::display).containsExactly("dirs");
  }

  /**
   * Empty is what a full sync with delete would find nothing in to delete: no entry, or only what
   * it never sees (the versions directory, an excluded name), or no directory yet. One entry of any
   * kind, hostile names included, is not empty; nor is a target it cannot log in to.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void aTargetIsEmptyOnlyWhenAFullSyncWouldSeeNothingThere(Kind kind) throws Exception {
    src = Trees.tempDir("ls-src");
    Trees.write(at(src, Bytes.of("f")), "at the source");
    var t = target(kind);
    var options = t.options().toBuilder().excludes(List.of("*.tmp")).build();
    RsyncTransport transport = t.transport(src, t.url(), options);
    assertThat(transport.targetEmpty()).as("a new directory").isTrue();
    Trees.write(at(t.dir, Bytes.of(".livesync/versions/2026-12-02T063000Z/old")), "a version");
    Trees.write(at(t.dir, Bytes.of("scratch.tmp")), "excluded");
    assertThat(transport.targetEmpty()).as("the versions directory and an excluded file").isTrue();
    String sub = t.url().endsWith("/") ? t.url() + "not/there/yet/" : t.url() + "/not/there/yet/";
    assertThat(t.transport(src, sub, options).targetEmpty()).as("a directory not made yet").isTrue();

    for (byte[] name : List.of(Bytes.of("f"), Bytes.of("d/f"), Trees.hostileNames().get(4), Trees.hostileNames().get(7))) {
      Trees.write(at(t.dir, name), "at the target");
      assertThat(transport.targetEmpty()).as(Bytes.display(name)).isFalse();
      Trees.delete(at(t.dir, Bytes.of(Bytes.latin1(name).split("/")[0])));
      assertThat(transport.targetEmpty()).as("again without " + Bytes.display(name)).isTrue();
    }
    Trees.symlink(at(t.dir, Bytes.of("link")), Bytes.of("nowhere"));
    assertThat(transport.targetEmpty()).as("a dangling symlink").isFalse();
    Trees.delete(at(t.dir, Bytes.of("link")));
    Trees.write(at(t.dir, Bytes.of("top/.livesync")), "not the versions directory: below the top");
    assertThat(transport.targetEmpty()).as("a directory").isFalse();

    if (kind == Kind.DAEMON) {
      Trees.delete(at(t.dir, Bytes.of("top")));
      byte[] wrong = Trees.tempDir("ls-pw");
      Trees.write(at(wrong, Bytes.of("pw")), "not the password");
      Trees.chmod(at(wrong, Bytes.of("pw")), 0600);
      var refused = TargetOptions.builder().passwordFile(Trees.path(at(wrong, Bytes.of("pw")))).build();
      assertThat(t.transport(src, t.url(), refused).targetEmpty()).as("a daemon that refuses the login").isFalse();
      Trees.delete(wrong);
    }
  }
}
