package dev.livesync.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.LivesyncException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TargetParseTest {
  @Test
  void daemonUrlWithUserPortAndPath() {
    assertThat(Target.parse("rsync://rsync_backup@172.16.1.41:8873/nfsbackup/sub/dir/"))
        .isEqualTo(new Target.Daemon("rsync_backup", "172.16.1.41", 8873, "nfsbackup", "sub/dir"));
    assertThat(Target.parse("rsync://host/mod")).isEqualTo(new Target.Daemon(null, "host", 873, "mod", ""));
    assertThat(Target.parse("rsync://[::1]:874/mod").rsyncDestination()).isEqualTo("rsync://[::1]:874/mod/");
    assertThat(Target.parse("rsync://u@h/m/p").describe()).isEqualTo("rsync://u@h/m/p");
  }

  @Test
  void doubleColonDaemon() {
    assertThat(Target.parse("rsync_backup@172.16.1.41::nfsbackup"))
        .isEqualTo(new Target.Daemon("rsync_backup", "172.16.1.41", 873, "nfsbackup", ""));
    assertThat(Target.parse("host::m/a/b")).isEqualTo(new Target.Daemon(null, "host", 873, "m", "a/b"));
  }

  @Test
  void sshAndLocal() {
    assertThat(Target.parse("root@backup:/srv/backup")).isEqualTo(new Target.Ssh("root", "backup", "/srv/backup"));
    assertThat(Target.parse("backup:data")).isEqualTo(new Target.Ssh(null, "backup", "data"));
    assertThat(Target.parse("backup:data").rsyncDestination()).isEqualTo("backup:data/");
    assertThat(Target.parse("/mnt/backup/")).isEqualTo(new Target.Local(Path.of("/mnt/backup")));
    assertThat(Target.parse("./dir:with:colons")).isEqualTo(new Target.Local(Path.of("dir:with:colons").toAbsolutePath()));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "rsync://host|missing module name",
      "rsync://host/|missing module name",
      "rsync://host:99999/m|invalid port '99999'",
      "rsync://host:x/m|invalid port 'x'",
      "rsync://@host/m|empty user name",
      "rsync:///m|missing host",
      "host::|missing module name",
      "host:|missing directory",
      "rsync://h/m/../x|'..' is not allowed",
      "'  '|empty target",
      "ssh://root@backup/srv|ssh:// is no target livesync knows (nor rsync): write an ssh target as [user@]host:/path",
      "file:///srv/backup|file:// is no target livesync knows",
      "sftp://h/x|sftp:// is no target"})
  void malformedTargetsSayWhatWasExpected(String spec, String why) {
    assertThatThrownBy(() -> Target.parse(spec))
        .isInstanceOf(LivesyncException.class)
        .hasMessageContaining(why)
        .hasMessageContaining("expected rsync://[user@]host[:port]/module[/path]");
  }

  /** ssh://user:secret@host/path was taken for host "ssh" and a path holding the password, put on rsync's command line. */
  @Test
  void aPasswordInAnSshUrlIsRefusedAndNotShown() {
    assertThatThrownBy(() -> Target.parse("ssh://bob:secret@host/path"))
        .hasMessageContaining("holds a password").hasMessageNotContaining("secret");
  }

  @Test
  void extraArgsThatBreakTheEngineAreRefused() {
    for (String bad : new String[] {"--delete", "--delete-after", "--files-from=x", "--from0", "-0", "--no-relative",
        "--remove-source-files", "--cvs-exclude", "-aC", "-avn", "--dry-run", "-r", "--exclude-from=-", "--old-args", "-e", "--rsh=ssh", "100", "--max-delete=5"}) {
      assertThatThrownBy(() -> PassThroughArgs.check(java.util.List.of(bad)), bad)
          .isInstanceOf(LivesyncException.class)
          .hasMessageContaining("'" + bad + "' is not allowed: ");
    }
    PassThroughArgs.check(java.util.List.of("-H", "--numeric-ids", "-vz", "--bwlimit=10m", "-T/tmp/x", "--partial", "--inplace"));
  }
}
