package dev.livesync.cli;

import static dev.livesync.cli.CliRun.inProcess;
import static dev.livesync.testing.Await.CONVERGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livesync.Exit;
import dev.livesync.cli.CliRun.Result;
import dev.livesync.testing.Await;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.Processes;
import dev.livesync.testing.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The words a new user met and could not act on, each now naming the problem, the path and what to do. */
class MessagesTest {
  @RegisterExtension final Workspace ws = new Workspace("messages-test");
  final Path work = ws.dir();

  @Test
  void aDirectoryLivesyncMayNotReadIsNamedAsAPermissionProblem() throws Exception {
    // root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH is refused like any other user
    List<String> noDac = List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search");
    assumeTrue(canRun(noDac), "needs setpriv and root");
    Path src = Files.createDirectories(work.resolve("src")), dst = Files.createDirectories(work.resolve("dst"));
    Path closed = Files.createDirectories(src.resolve("closed"));
    Files.writeString(src.resolve("open.txt"), "o");
    Files.setAttribute(closed, "unix:uid", 65534);
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
    var p = LivesyncProcess.start(noDac, List.of("run", src.toString(), dst.toString(), "--state-dir", work.resolve("state").toString(),
        "--status-socket", work.resolve("s.sock").toString(), "--delay", "50ms"), Map.of());
    ws.closing(p);
    p.awaitOutput("cannot watch " + closed + ": permission denied (livesync runs as uid 0)", CONVERGE);
    // the full sync's own failure names the path too (rsync's "opendir ... closed ... Permission denied")
    p.awaitOutput(o -> o.matches("(?s).*full sync \\(start\\).*closed.*Permission denied.*"), CONVERGE);
    assertThat(p.output()).doesNotContain("raise the limit").doesNotContain(" of 0 paths").contains("full sync (start): 1 path not transferred");
    // status names the directory and the permission problem, not a guess between it and the watch limit
    var status = LivesyncProcess.start(List.of("status", "--status-socket", work.resolve("s.sock").toString()));
    ws.closing(status);
    status.awaitExit(CONVERGE);
    assertThat(status.output()).contains("DEGRADED: 1 directory not watched: cannot watch " + closed + ": permission denied")
        .doesNotContain("or the watch limit");
    // and what it may read still ships: the deletion guard's dry run is partial too, not a failure
    Await.until("open.txt at the target", Duration.ofSeconds(30), () -> Files.exists(dst.resolve("open.txt")), p::output);
    assertThat(dst.resolve("open.txt")).as(p.output()).hasContent("o");
  }

  static boolean canRun(List<String> prefix) {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add("true");
    try {
      Processes.run(cmd);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Test
  void serveListsEveryProblemAndSaysAnAddressIsNotOnThisHost() {
    Result r = inProcess("serve", "--address", "10.255.255.1", "--module", "bk", "--path", work.resolve("missing").toString(), "--port", "8873");
    assertThat(r.code()).isEqualTo(Exit.USAGE);
    assertThat(r.err()).contains("livesync serve: module 'bk': path " + work.resolve("missing") + " does not exist")
        .contains("livesync serve: module 'bk': no user")
        .contains("livesync serve: module 'bk': no password file")
        .contains("livesync serve: address 10.255.255.1 is not an address of this host")
        .doesNotContain("already in use");
  }

  @Test
  void serveListsTheOtherProblemsOfAModuleWhoseNameIsBadToo() throws Exception {
    Path loose = Files.writeString(work.resolve("loose.pw"), "pw\n");
    Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
    Result r = inProcess("serve", "--address", "10.255.255.1", "--module", "bad name", "--path", work.resolve("missing").toString(),
        "--user", "a b", "--password-file", loose.toString(), "--port", "8873");
    assertThat(r.code()).isEqualTo(Exit.USAGE);
    assertThat(r.err()).contains("livesync serve: module name 'bad name' is not valid")
        .contains("module 'bad name': path " + work.resolve("missing") + " does not exist")
        .contains("module 'bad name': user 'a b' must not contain")
        .contains("module 'bad name': password file " + loose + " is accessible by its group or others (mode 0644)")
        .contains("address 10.255.255.1 is not an address of this host");
  }

  @Test
  void verifyAndDoctorDoNotSayTheyWillRetry() throws Exception {
    // only the engine retries (and says when); a one-shot check that failed must not promise it
    Path src = Files.createDirectories(work.resolve("src"));
    int port = dev.livesync.testing.FreePort.find();
    String target = "rsync://127.0.0.1:" + port + "/m"; // nothing listens there
    String state = work.resolve("state").toString();
    Result doctor = inProcess("doctor", src.toString(), target, "--state-dir", state);
    String refused = "nothing accepts connections on 127.0.0.1 port " + port + " for " + target + ": is the rsync daemon running there";
    assertThat(doctor.out()).contains("FAIL  target " + target + ": " + refused).doesNotContain("-> is the daemon running")
        .doesNotContain("will retry").as("doctor compares nothing").doesNotContain("compare with");
    Result verify = inProcess("verify", src.toString(), target, "--state-dir", state);
    assertThat(verify.code()).isEqualTo(Exit.UNAVAILABLE);
    assertThat(verify.out() + verify.err()).contains(refused).doesNotContain("will retry");
  }

  @Test
  void installServiceOutsideSystemdsDirectoriesSaysToInstallTheUnitFirst() {
    Path unit = work.resolve("review/livesync.service");
    Result r = inProcess("install-service", "--output", unit.toString(), "--config", work.resolve("none.toml").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("(systemd does not read " + unit.getParent() + ")")
        .contains("cp " + unit + " /etc/systemd/system/livesync.service").contains("docs/config.md")
        .doesNotContain("configuration.md");
  }

  @Test
  void aLocalTargetIsNotSaidToBeAuthenticated() throws Exception {
    Path src = Files.createDirectories(work.resolve("src")), dst = Files.createDirectories(work.resolve("dst"));
    Files.writeString(src.resolve("f"), "f");
    Result r = inProcess("doctor", "--state-dir", work.resolve("state").toString(), src.toString(), dst.toString());
    assertThat(r.out()).contains("OK    target " + dst + ": usable by rsync (local directory; dry run, nothing changed)")
        .doesNotContain("authenticated");
  }

  /** rsync's habits typed to run: '-avz' and '--delete' alone, as the classic script had them. */
  @Test
  void rsyncsOwnOptionsGivenToRunSayWhereTheyGo() {
    var avz = inProcess("run", "/data", "rsync_backup@172.16.1.41::nfsbackup", "-avz");
    assertThat(avz.code()).isEqualTo(2);
    assertThat(avz.err()).startsWith("livesync run: unknown option -avz (an rsync option? livesync always runs rsync -a; -z is --compress,"
        + " and other rsync options go as --rsync-arg=OPTION)\n");
    var delete = inProcess("run", "/data", "rsync_backup@172.16.1.41::nfsbackup", "--delete");
    assertThat(delete.code()).isEqualTo(2);
    assertThat(delete.err()).startsWith("livesync run: --delete needs a value (POLICY: one of always, startup, running, never)\n");
  }

  @Test
  void noHelpBreaksADocumentsNameAcrossLines() {
    for (String c : List.of("run", "doctor", "verify", "serve", "start", "stop", "status", "install-service", "bench", "demo")) {
      Result r = inProcess(c, "--help");
      assertThat(r.out()).as(c).doesNotContainPattern("docs/[\\w-]+\\.\\s*\\n\\s+md");
    }
  }
}
