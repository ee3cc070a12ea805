package dev.livesync.packaging;

import static dev.livesync.packaging.PackageTools.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Await;
import dev.livesync.testing.ProcSysLock;
import dev.livesync.testing.Processes;
import dev.livesync.testing.TempFiles;
import dev.livesync.testing.UsualInotifyLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What an admin without systemd as init lives through: a replicator started with {@code livesync start}
 * from the installed package, an upgrade to a package whose Java runtime is another build (as each
 * release's may be), then the removal and the purge. The next version is the built one with its version
 * bumped and its runtime's {@code jspawnhelper} made another build's (the JDK's helper refuses a JVM
 * of another build).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackageUpgradeTest {
  private static final Path RUNTIME = Path.of("/usr/lib/livesync/runtime");
  private static final Path WANTS = Path.of("/etc/systemd/system/multi-user.target.wants");
  private static Path work;
  private static Path deb;
  private static Path next;
  private static Path src;
  private static Path dst;
  private static Path state;
  private static List<String> env;
  private static long pid;

  @BeforeAll
  static void buildBothVersions() throws Exception {
    requireRootWithoutLivesync();
    work = TempFiles.dir("livesync-upgrade");
    deb = build(Files.createDirectories(work.resolve("out")));
    next = nextVersion(deb, work.resolve("next"));
    src = Files.createDirectories(work.resolve("src"));
    dst = Files.createDirectories(work.resolve("dst"));
    state = work.resolve("state");
    // a runtime dir of its own (its pidfile and socket), the tests' target locks; the state dir holds start's log
    env = List.of("env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LIVESYNC_RUNTIME_DIR=" + work.resolve("run"),
        "LIVESYNC_LOCK_DIR=" + PackageTools.TEST_LOCKS);
  }

  @AfterAll
  static void purgeAndClean() throws Exception {
    if (pid > 0) ProcessHandle.of(pid).ifPresent(Processes::killTree);
    if (deb != null) dpkg("-P", "livesync");
    if (work != null) TempFiles.deleteTree(work);
  }

  @Test
  @Order(1)
  void aReplicatorStartedWithStartShipsOnAfterAnUpgradeReplacedItsRuntime() throws Exception {
    install(deb);
    Files.writeString(src.resolve("before.txt"), "before");
    try (ProcSysLock lock = ProcSysLock.acquire()) { // not while another test has lowered the inotify limits
      UsualInotifyLimits.raiseLowered("in " + PackageUpgradeTest.class.getSimpleName());
      Result started = exec(concat(env, List.of("livesync", "start", src.toString(), dst.toString(), "--state-dir", state.toString())),
          Duration.ofMinutes(3));
      assertThat(started.code()).as(started.all()).isZero();
      pid = Long.parseLong(Files.readString(work.resolve("run/livesync.pid")).strip());
      awaitAtTarget("before.txt", "before");
    }
    install(next);
    Files.writeString(src.resolve("after.txt"), "after");
    awaitAtTarget("after.txt", "after");
    assertThat(ProcessHandle.of(pid)).as("the replicator started before the upgrade").isPresent();
  }

  @Test
  @Order(2)
  void removingThePackageStopsTheReplicatorsItsRuntimeRuns() throws Exception {
    assertThat(pid).as("started by the test before").isPositive();
    Result r = dpkg("-r", "livesync");
    assertThat(r.code()).as(r.all()).isZero();
    Optional<ProcessHandle> left = ProcessHandle.of(pid);
    assertThat(left).as("livesync run (pid %d) after dpkg -r:\n%s", pid, r.all()).isEmpty();
    // stopped as 'livesync stop' stops it: SIGTERM, a drain, its journal kept
    assertThat(Files.readString(state.resolve("livesync.log"))).contains("SIGTERM: stopping").contains("stopped");
  }

  @Test
  @Order(3)
  void purgeTakesAwayTheLinksThatEnabledItsUnits() throws Exception {
    install(deb);
    // what 'systemctl enable livesync livesync@www' makes (it works without systemd running, too)
    Files.createDirectories(WANTS);
    Path unit = WANTS.resolve("livesync.service");
    Path instance = WANTS.resolve("livesync@www.service");
    Files.createSymbolicLink(unit, Path.of("/lib/systemd/system/livesync.service"));
    Files.createSymbolicLink(instance, Path.of("/lib/systemd/system/livesync@.service"));
    try {
      Result r = dpkg("-P", "livesync");
      assertThat(r.code()).as(r.all()).isZero();
      assertThat(Files.isSymbolicLink(unit)).as(unit + " after dpkg -P").isFalse();
      assertThat(Files.isSymbolicLink(instance)).as(instance + " after dpkg -P").isFalse();
    } finally {
      Files.deleteIfExists(unit);
      Files.deleteIfExists(instance);
    }
  }

  private static void awaitAtTarget(String name, String content) {
    Path f = dst.resolve(name);
    Await.until(f + " at the target", Await.CONVERGE, () -> Files.isRegularFile(f) && Files.readString(f).equals(content),
        () -> ProcessHandle.of(pid).isEmpty(), () -> TempFiles.readOrEmpty(state.resolve("livesync.log")));
  }

  /** The same package as version {@code VERSION+next}, its runtime's spawn helper another build's. */
  private static Path nextVersion(Path deb, Path dir) throws Exception {
    Path root = Files.createDirectories(dir).resolve("root");
    Result x = exec(List.of("dpkg-deb", "-R", deb.toString(), root.toString()), Duration.ofMinutes(2));
    assertThat(x.code()).as(x.all()).isZero();
    Path control = root.resolve("DEBIAN/control");
    Files.writeString(control, Files.readString(control).replaceFirst("(?m)^Version: (.+)$", "Version: $1+next"));
    Path runtime = root.resolve(RUNTIME.toString().substring(1));
    Result settings = exec(List.of(runtime.resolve("bin/java").toString(), "-XshowSettings:properties", "-version"), Duration.ofMinutes(1));
    String build = settings.err().lines().map(String::strip).filter(l -> l.startsWith("java.runtime.version = ")).findFirst()
        .orElseThrow(() -> new AssertionError("no java.runtime.version in:\n" + settings.all())).substring("java.runtime.version = ".length());
    StringBuilder other = new StringBuilder();
    for (char c : build.toCharArray()) other.append(Character.isDigit(c) ? (char) ('0' + (c - '0' + 1) % 10) : c);
    Path helper = runtime.resolve("lib/jspawnhelper");
    byte[] bytes = Files.readAllBytes(helper);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    assertThat(text).as("the runtime's build (%s) in %s", build, helper).contains(build);
    Files.write(helper, text.replace(build, other).getBytes(StandardCharsets.ISO_8859_1));
    Path md5 = root.resolve("DEBIAN/md5sums");
    Result sums = exec(List.of("sh", "-c", "cd '" + root + "' && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\\n' | sort"
        + " | xargs -d '\\n' md5sum"), Duration.ofMinutes(2));
    assertThat(sums.code()).as(sums.all()).isZero();
    Files.writeString(md5, sums.out());
    Path out = dir.resolve("livesync_next_amd64.deb");
    Result b = exec(List.of("dpkg-deb", "--root-owner-group", "-Zgzip", "--build", root.toString(), out.toString()), Duration.ofMinutes(5));
    assertThat(b.code()).as(b.all()).isZero();
    return out;
  }
}
