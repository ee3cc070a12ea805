package dev.livesync.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.workload.Workload.Kind;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A hard-linked file changed through one of its names ({@code ln a b; echo new >> a}, then
 * {@code : > b}, a write through {@code b}, {@code chmod} and {@code touch -d} through a third
 * name): inotify reports only the name that was used, yet every name at the target must follow —
 * as separate copies by default (rsync without {@code -H}), and as one file again when the target
 * runs with {@code -H}. Each step on every target kind, with the real tools.
 */
class HardLinkEditsTest {
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();

  static final List<String> NAMES = List.of("d/a", "d/sub/b", "c");

  /** The steps; {@code linked}: the target's names must be one inode after each. */
  static void editThroughEachName(Workload w, boolean linked) throws Exception {
    String tag = linked ? "-H" : "";
    w.sh("mkdir -p d/sub; echo one > d/a; ln d/a d/sub/b; ln d/a c");
    w.awaitEqual();
    assertLinked(w, linked);
    w.sh("echo new >> d/a");
    w.converged("hardlink-append" + tag);
    assertLinked(w, linked);
    w.sh(": > d/sub/b");
    w.converged("hardlink-truncate" + tag);
    assertLinked(w, linked);
    w.sh("printf 'written through b\\n' > d/sub/b");
    w.converged("hardlink-write-other" + tag);
    assertLinked(w, linked);
    w.sh("chmod 600 c; touch -d '2001-02-03 04:05:06' c");
    w.converged("hardlink-chmod-touch" + tag);
    assertLinked(w, linked);
    // a name removed, and a new one made: the remaining names still follow a change
    w.sh("rm c; ln d/sub/b d/e; echo again >> d/sub/b");
    w.converged("hardlink-relink" + tag);
    assertLinked(w, linked);
  }

  /** With {@code -H}, the target's names of the file are one inode, as at the source. */
  static void assertLinked(Workload w, boolean linked) {
    if (!linked) return;
    List<String> names = NAMES.stream().filter(n -> Libc.lstatOrNull(w.src(n)) != null).toList();
    long ino = Libc.lstat(Bytes.child(w.dst, Bytes.of(names.get(0)))).ino();
    for (String n : names) assertThat(Libc.lstat(Bytes.child(w.dst, Bytes.of(n))).ino()).as("inode of %s at the target", n).isEqualTo(ino);
  }

  /**
   * A symlink has names of its own ({@code ln -P s s2} links the symlink, not what it points to):
   * a new name, and one more in another directory, arrive as links of the target's symlink with
   * {@code -H} (sent alone, a new name arrived as a symlink of its own until the next full sync),
   * and an mtime set through one name reaches every name either way.
   */
  static void linkASymlink(Workload w, boolean linked) throws Exception {
    w.sh("echo x > x; ln -s x s");
    w.awaitEqual();
    w.sh("ln -P s s2");
    w.awaitEqual();
    assertOneInode(w, linked, "s", "s2");
    w.sh("mkdir -p e; ln -P s2 e/s3");
    w.awaitEqual();
    assertOneInode(w, linked, "s", "s2", "e/s3");
    w.sh("touch -h -d '2001-02-03 04:05:06' e/s3");
    w.awaitEqual();
    assertOneInode(w, linked, "s", "s2", "e/s3");
  }

  static void assertOneInode(Workload w, boolean linked, String... names) {
    if (!linked) return;
    long ino = Libc.lstat(Bytes.child(w.dst, Bytes.of(names[0]))).ino();
    for (String n : names) assertThat(Libc.lstat(Bytes.child(w.dst, Bytes.of(n))).ino()).as("inode of %s at the target", n).isEqualTo(ino);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aSymlinksNamesFollowEachOther(Kind kind) throws Exception {
    try (var w = Workload.of(kind, SSHD).start()) {
      linkASymlink(w, false);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void withDashHANewNameOfASymlinkIsALinkAtTheTarget(Kind kind) throws Exception {
    try (var w = Workload.of(kind, SSHD).rsyncArgs("-H").start()) {
      linkASymlink(w, true);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aChangeThroughOneNameReachesEveryNameAtTheTarget(Kind kind) throws Exception {
    try (var w = Workload.of(kind, SSHD).start()) {
      editThroughEachName(w, false);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void withDashHTheTargetKeepsTheNamesOneFile(Kind kind) throws Exception {
    try (var w = Workload.of(kind, SSHD).rsyncArgs("-H").start()) {
      editThroughEachName(w, true);
    }
  }
}
