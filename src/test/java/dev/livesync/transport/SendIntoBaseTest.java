package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.BytePath;
import dev.livesync.fs.Bytes;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TransferResult.Outcome;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A send whose engine names a base ({@link Transport#BASE}) runs into that directory on a daemon
 * target (its receiver then walks only what lies below it for every file), carries the base's own
 * mode and times, and goes from the top where the target lacks a directory above the base.
 */
class SendIntoBaseTest {
  final byte[] src = Trees.tempDir("base-src");
  final byte[] dst = Trees.tempDir("base-dst");
  RsyncDaemon daemon;
  RsyncTransport t;

  @AfterEach
  void cleanUp() {
    if (t != null) t.close();
    if (daemon != null) daemon.close();
    Trees.delete(src);
    Trees.delete(dst);
  }

  /** A chrooted daemon (as `serve` runs as root) on {@code dst}, and a transport to it that has made it equal to the source. */
  private void synced() throws InterruptedException {
    daemon = RsyncDaemon.builder(Trees.path(dst)).moduleOption("use chroot", "yes").start();
    t = RsyncTransport.open(src, daemon.url(), TargetOptions.defaults());
    assertThat(t.fullSync(true).outcome()).isEqualTo(Outcome.OK);
  }

  private static TransferResult send(Transport t, String base, String... paths) throws InterruptedException {
    List<byte[]> list = Arrays.stream(paths).map(Bytes::of).toList();
    return ScopedValue.where(Transport.BASE, BytePath.of(base)).call(() -> t.send(list, false));
  }

  private static int mode(byte[] p) {
    return dev.livesync.fs.Libc.lstat(p).mode() & 07777;
  }

  private static FileTime mtime(byte[] p) throws Exception {
    return Files.getLastModifiedTime(Trees.path(p));
  }

  @Test
  void aSendRunsIntoItsBaseCarriesItAndLeavesTheDirectoriesAboveAlone() throws Exception {
    Trees.write(at(src, "a/b/c/f1"), "one");
    synced();
    Trees.setMtime(at(dst, "a"), 1_000_000); // set apart on the target: a run from the top would set it back
    Trees.write(at(src, "a/b/c/f2"), "two");
    Trees.chmod(at(src, "a/b/c"), 0700);
    Trees.setMtime(at(src, "a/b/c"), 2_000_000);

    TransferResult r = send(t, "a/b/c", "a/b/c/f2");

    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.OK);
    assertThat(Trees.read(at(dst, "a/b/c/f2"))).isEqualTo(Bytes.of("two"));
    assertThat(mode(at(dst, "a/b/c"))).as("the base's mode").isEqualTo(0700);
    assertThat(mtime(at(dst, "a/b/c"))).as("the base's mtime").isEqualTo(mtime(at(src, "a/b/c")));
    assertThat(mtime(at(dst, "a")).toMillis()).as("above the base: not in the run").isEqualTo(1_000_000_000L);

    Trees.write(at(src, "a/b/c/f3"), "three");
    assertThat(send(t, "", "a/b/c/f3").outcome()).isEqualTo(Outcome.OK);
    assertThat(mtime(at(dst, "a"))).as("from the top: every parent").isEqualTo(mtime(at(src, "a")));
  }

  @Test
  void whereTheTargetLacksADirectoryAboveTheBaseTheSendGoesFromTheTop() throws Exception {
    Trees.write(at(src, "a/b/c/f1"), "one");
    Trees.write(at(src, "z"), "z");
    synced();
    Trees.delete(at(dst, "a")); // behind the engine's back
    Trees.chmod(at(src, "a/b"), 0750);
    Trees.setMtime(at(src, "a/b"), 3_000_000);

    TransferResult r = send(t, "a/b/c", "a/b/c/f1");

    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.OK);
    Trees.assertSameTree(src, dst); // modes and mtimes of a and a/b too, made by the run from the top
  }

  @Test
  void whereTheTargetLacksOnlyTheBaseItIsMadeAsAtTheSource() throws Exception {
    Trees.write(at(src, "a/b/f1"), "one");
    synced();
    Trees.write(at(src, "a/b/new/f"), "new");
    Trees.chmod(at(src, "a/b/new"), 0700);
    Trees.setMtime(at(src, "a/b/new"), 4_000_000);

    assertThat(send(t, "a/b/new", "a/b/new/f").outcome()).isEqualTo(Outcome.OK);

    assertThat(Trees.read(at(dst, "a/b/new/f"))).isEqualTo(Bytes.of("new"));
    assertThat(mode(at(dst, "a/b/new"))).isEqualTo(0700);
    assertThat(mtime(at(dst, "a/b/new"))).isEqualTo(mtime(at(src, "a/b/new")));
  }

  /** The filters of the target's own {@code .livesync} count from the top: a run below it leaves them out. */
  @Test
  void aDirectoryNamedLikeTheTargetsOwnGoesBelowTheBase() throws Exception {
    Trees.mkdirs(at(src, "a"));
    synced();
    Trees.write(at(src, "a/.livesync/x"), "a user's directory of that name");
    assertThat(send(t, "a", "a/.livesync/x").outcome()).isEqualTo(Outcome.OK);
    assertThat(Trees.read(at(dst, "a/.livesync/x"))).isEqualTo(Bytes.of("a user's directory of that name"));
  }

  /** Where a run may not start below the top: the target's kind, filters or backups that count from the top, a base that is not one. */
  @Test
  void aRunStartsAtTheBaseOnlyWhereNothingCountsFromTheTop() throws Exception {
    Trees.write(at(src, "a/b/f"), "f");
    Trees.write(at(src, "a/file"), "not a directory");
    List<byte[]> paths = List.of(Bytes.of("a/b/f"));
    Target daemon = Target.parse("rsync://127.0.0.1:1/m/sub");
    TargetOptions plain = TargetOptions.builder().excludes(List.of("*.tmp", "cache/")).build();

    assertThat(under(daemon, plain, "a/b", paths)).isEqualTo("a/b | " + Bytes.latin1(src) + "/a/b/././f");
    assertThat(argvUnder(daemon, plain, "a/b", paths)).doesNotContain("--mkpath").doesNotContain(Versions().getFirst())
        .endsWith(Bytes.latin1(src) + "/a/b/././f", "rsync://127.0.0.1:1/m/sub/a/b/");
    assertThat(under(daemon, plain, "", paths)).as("no base").isNull();
    Trees.write(at(src, ".livesync/v/f"), "f");
    assertThat(under(daemon, plain, ".livesync/v", List.of(Bytes.of(".livesync/v/f")))).as("the top's .livesync").isNull();
    assertThat(under(daemon, plain, "a/b/f", paths)).as("a path not below the base").isNull();
    assertThat(under(daemon, plain, "a/file", List.of(Bytes.of("a/file/x")))).as("not a directory at the source").isNull();
    assertThat(under(Target.parse(Bytes.latin1(dst)), plain, "a/b", paths)).as("a local target").isNull();
    assertThat(under(daemon, TargetOptions.builder().excludes(List.of("/a/b/skip")).build(), "a/b", paths)).as("an anchored exclude").isNull();
    assertThat(under(daemon, TargetOptions.builder().excludes(List.of("b/skip")).build(), "a/b", paths)).as("a slash inside").isNull();
    assertThat(under(daemon, TargetOptions.builder().excludes(List.of("**.o")).build(), "a/b", paths)).isNull();
    assertThat(under(daemon, TargetOptions.builder().extraArgs(List.of("--no-perms")).build(), "a/b", paths)).as("pass-through options").isNull();
    assertThat(under(daemon, TargetOptions.builder().versions(Duration.ofDays(1)).build(), "a/b", paths)).as("versions").isNull();
  }

  private static List<String> Versions() {
    return dev.livesync.settings.Versions.FILTERS;
  }

  private RsyncArgs args(Target target, TargetOptions options) {
    return new RsyncArgs(src, target, options, TargetKind.of(target, options, src));
  }

  private String under(Target target, TargetOptions options, String base, List<byte[]> paths) {
    RsyncArgs.Under u = ScopedValue.where(Transport.BASE, BytePath.of(base)).call(() -> args(target, options).under(paths));
    return u == null ? null : u.dir() + " | " + String.join(" ", u.pathArgs());
  }

  private List<String> argvUnder(Target target, TargetOptions options, String base, List<byte[]> paths) {
    RsyncArgs a = args(target, options);
    RsyncArgs.Under u = ScopedValue.where(Transport.BASE, BytePath.of(base)).call(() -> a.under(paths));
    return a.sendUnder(u, false, false, false, -1, true);
  }
}
