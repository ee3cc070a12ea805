package dev.livesync.server;

import static dev.livesync.server.ServeTestSupport.cli;
import static dev.livesync.server.ServeTestSupport.passwordFile;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
  @TempDir Path tmp;

  @Test
  void printConfigShowsTheDaemonConfigAndWritesNothing() throws Exception {
    Path backup = Files.createDirectories(tmp.resolve("backup"));
    Path pw = passwordFile(tmp, "s3cret", "rw-------");
    var r = cli("serve", "--module", "nfsbackup", "--path", backup.toString(), "--user", "rsync_backup",
        "--password-file", pw.toString(), "--address", "127.0.0.1", "--port", "8873",
        "--hosts-allow", "172.16.1.0/24,127.0.0.1", "--max-connections", "8",
        "--runtime-dir", tmp.resolve("run").toString(), "--print-config");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("port = 8873\n", "address = 127.0.0.1\n", "pid file = \n", "log file = /dev/stderr\n")
        .contains("socket options = TCP_NODELAY\n", "reverse lookup = no\n")
        .contains("[nfsbackup]\n", "path = " + backup + "\n", "read only = false\n", "auth users = rsync_backup\n")
        .contains("secrets file = " + tmp.resolve("run/secrets.nfsbackup") + "\n")
        .contains("hosts allow = 172.16.1.0/24 127.0.0.1\n", "hosts deny = *\n", "max connections = 8\n")
        .doesNotContain("s3cret");
    if (dev.livesync.settings.Dirs.isRoot()) {
      assertThat(r.out()).contains("use chroot = yes\n", "uid = 0\n", "gid = 0\n");
    }
    assertThat(tmp.resolve("run")).doesNotExist();
  }

  @Test
  void aModuleWritesAsItsPathsOwnerWhetherGivenByFlagsOrByTheConfig() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(dev.livesync.settings.Dirs.isRoot(), "only root switches users");
    Path backup = Files.createDirectories(tmp.resolve("nob"));
    Files.setAttribute(backup, "unix:uid", 65534);
    Files.setAttribute(backup, "unix:gid", 65534);
    Path pw = passwordFile(tmp, "s3cret", "rw-------");
    var flags = cli("serve", "--module", "nob", "--path", backup.toString(), "--user", "bu", "--password-file", pw.toString(),
        "--port", "8873", "--runtime-dir", tmp.resolve("run").toString(), "--print-config");
    assertThat(flags.code()).as(flags.err()).isZero();
    assertThat(flags.out()).contains("uid = 65534\n", "gid = 65534\n");
    Path conf = tmp.resolve("s.toml");
    Files.writeString(conf, "[serve]\nport = 8873\n[[serve.module]]\nname = \"nob\"\npath = \""
        + backup + "\"\nuser = \"bu\"\npassword_file = \"" + pw + "\"\n");
    var config = cli("serve", "--config", conf.toString(), "--print-config");
    assertThat(config.code()).as(config.err()).isZero();
    assertThat(config.out()).contains("uid = 65534\n", "gid = 65534\n");
  }

  @Test
  void missingOptionsAndBadInputGiveOneClearLineEach() throws Exception {
    var none = cli("serve");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).startsWith("livesync serve: give --module NAME");
    Path pw = passwordFile(tmp, "s3cret", "rw-rw-rw-");
    var bad = cli("serve", "--module", "bad name", "--path", tmp.toString(), "--user", "u", "--password-file", pw.toString(), "--print-config");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("module name 'bad name' is not valid");
    var loose = cli("serve", "--module", "m", "--path", tmp.toString(), "--user", "u", "--password-file", pw.toString(), "--print-config");
    assertThat(loose.err()).contains("livesync serve: module 'm': password file " + pw + " is accessible by its group or others (mode 0666)");
  }

  /**
   * The classic setup's /etc/rsync.password on the backup host is the daemon's secrets file
   * ("rsync_backup:oldboy"). Given to serve as the password file, serve made "rsync_backup:oldboy" the
   * password and every client's login failed; it is refused, by flag and by config, without showing it.
   */
  @Test
  void aSecretsFileGivenAsThePasswordFileIsRefused() throws Exception {
    Path backup = Files.createDirectories(tmp.resolve("backup"));
    Path secrets = passwordFile(tmp, "rsync_backup:s3cret", "rw-------");
    String words = "livesync serve: module 'nfsbackup': password file " + secrets + " holds 'rsync_backup:...' on its first line, the line of"
        + " an rsync daemon's secrets file (user:password): a password file holds the password alone (what follows 'rsync_backup:'),"
        + " which rsync sends as it is";
    var flags = cli("serve", "--module", "nfsbackup", "--path", backup.toString(), "--user", "rsync_backup", "--password-file", secrets.toString(),
        "--runtime-dir", tmp.resolve("run").toString(), "--print-config");
    assertThat(flags.code()).isEqualTo(2);
    assertThat(flags.err()).startsWith(words + "\n").doesNotContain("s3cret");
    Path conf = Files.writeString(tmp.resolve("s.toml"), "[serve]\nport = 8873\n[[serve.module]]\nname = \"nfsbackup\"\npath = \"" + backup
        + "\"\nuser = \"rsync_backup\"\npassword_file = \"" + secrets + "\"\n");
    var config = cli("serve", "--config", conf.toString(), "--print-config");
    assertThat(config.code()).isEqualTo(2);
    assertThat(config.err()).startsWith(words + "\n").doesNotContain("s3cret");
    // the password alone is what serve takes
    var alone = cli("serve", "--module", "nfsbackup", "--path", backup.toString(), "--user", "rsync_backup", "--password-file",
        passwordFile(tmp, "s3cret", "rw-------").toString(), "--runtime-dir", tmp.resolve("run").toString(), "--print-config");
    assertThat(alone.code()).as(alone.err()).isZero();
    assertThat(tmp.resolve("run")).doesNotExist();
  }

  /** A module on a disk of /etc/fstab that is not mounted (here an fstab of the test's own): refused, as a missing path is. */
  @Test
  void aModuleBelowAnUnmountedFstabMountPointIsRefused() throws Exception {
    Path disk = Files.createDirectories(tmp.resolve("disk"));
    Path backup = Files.createDirectories(disk.resolve("backup"));
    Files.writeString(tmp.resolve("fstab"), "LABEL=backup " + disk + " ext4 defaults,nofail 0 2\n");
    Path pw = passwordFile(tmp, "s3cret", "rw-------");
    System.setProperty("livesync.fstab", tmp.resolve("fstab").toString());
    try {
      var r = cli("serve", "--module", "nfsbackup", "--path", backup.toString(), "--user", "rsync_backup", "--password-file", pw.toString(),
          "--print-config");
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("livesync serve: module 'nfsbackup': path " + backup + " is below " + disk
          + ", which /etc/fstab mounts, but nothing is mounted there: backups would fill the disk under the mount point; mount " + disk + " first");
    } finally {
      System.clearProperty("livesync.fstab");
    }
  }
  /**
   * The classic rsyncd.conf writes as {@code uid = rsync}, a user made with useradd beforehand. Given to
   * serve on a host without that user, serve started a daemon that refused every client ("@ERROR:
   * invalid uid rsync"); it is refused before anything is written, by flag and by config alike.
   */
  @Test
  void aUidOrGidWithNoEntryOnThisHostIsRefused() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(dev.livesync.settings.Dirs.isRoot(), "only root switches users");
    String none = "lsnouser" + ProcessHandle.current().pid();
    var lookup = tmp.getFileSystem().getUserPrincipalLookupService();
    org.junit.jupiter.api.Assertions.assertThrows(java.nio.file.attribute.UserPrincipalNotFoundException.class, () -> lookup.lookupPrincipalByName(none));
    Path backup = Files.createDirectories(tmp.resolve("backup"));
    Path pw = passwordFile(tmp, "s3cret", "rw-------");
    String uidWords = "module 'nfsbackup': uid '" + none + "': no such user on this host, so the daemon would refuse every client (invalid uid "
        + none + "): create it (useradd -r -M -s /usr/sbin/nologin " + none + "), or give an existing user or a number (--uid, uid)";
    String gidWords = "module 'nfsbackup': gid '" + none + "': no such group on this host, so the daemon would refuse every client (invalid gid "
        + none + "): create it (groupadd -r " + none + "), or give an existing group or a number (--gid, gid)";
    var flags = cli("serve", "--module", "nfsbackup", "--path", backup.toString(), "--user", "rsync_backup", "--password-file", pw.toString(),
        "--uid", none, "--gid", "root," + none, "--runtime-dir", tmp.resolve("run").toString(), "--print-config");
    assertThat(flags.code()).isEqualTo(2);
    assertThat(flags.err()).contains("livesync serve: " + uidWords + "\n", gidWords + "\n");
    Path conf = Files.writeString(tmp.resolve("s.toml"), "[serve]\nport = 19611\n[[serve.module]]\nname = \"nfsbackup\"\npath = \"" + backup
        + "\"\nuser = \"rsync_backup\"\npassword_file = \"" + pw + "\"\nuid = \"" + none + "\"\ngid = \"" + none + "\"\n");
    var config = cli("serve", "--config", conf.toString(), "--print-config");
    assertThat(config.code()).isEqualTo(2);
    assertThat(config.err()).contains("livesync serve: " + uidWords + "\n", gidWords + "\n");
    assertThat(tmp.resolve("run")).doesNotExist();
    // existing names, numbers and rsync's "*" (the user's own groups) go through
    var ok = cli("serve", "--module", "nfsbackup", "--path", backup.toString(), "--user", "rsync_backup", "--password-file", pw.toString(),
        "--uid", "nobody", "--gid", "*, 0 nogroup", "--runtime-dir", tmp.resolve("run").toString(), "--print-config");
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("uid = nobody\n", "gid = *, 0 nogroup\n");
  }
  /**
   * The classic setup writes as uid/gid rsync into a /backup it chowns to them first. serve checked that
   * the path was writable by itself (root), so a module path left to root with --uid nobody started a
   * daemon that refused every file of every client ("Permission denied"); refused at the start now,
   * by flag and by config, and accepted once the path is given to that user.
   */
  @Test
  void aModulePathTheUidCannotWriteIsRefused() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(dev.livesync.settings.Dirs.isRoot(), "only root switches users");
    Path backup = Files.createDirectories(tmp.resolve("backup"));
    Files.setPosixFilePermissions(backup, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setAttribute(backup, "unix:uid", 0);
    Files.setAttribute(backup, "unix:gid", 0);
    Path pw = passwordFile(tmp, "s3cret", "rw-------");
    String words = "livesync serve: module 'nfsbackup': path " + backup + " is not writable by nobody:nogroup, whom the daemon writes as"
        + " (--uid/--gid, uid/gid; it is root:root, mode 0755), so every client's files would be refused: give it to them (chown"
        + " nobody:nogroup " + backup + ", as the classic setup's chown -R rsync.rsync /backup), or leave --uid/--gid out (the path's owner)\n";
    String[] flagArgs = {"serve", "--module", "nfsbackup", "--path", backup.toString(), "--user", "rsync_backup", "--password-file",
        pw.toString(), "--uid", "nobody", "--gid", "nogroup", "--runtime-dir", tmp.resolve("run").toString(), "--print-config"};
    var flags = cli(flagArgs);
    assertThat(flags.code()).isEqualTo(2);
    assertThat(flags.err()).startsWith(words);
    Path conf = Files.writeString(tmp.resolve("s.toml"), "[serve]\nport = 19612\n[[serve.module]]\nname = \"nfsbackup\"\npath = \"" + backup
        + "\"\nuser = \"rsync_backup\"\npassword_file = \"" + pw + "\"\nuid = \"nobody\"\ngid = \"nogroup\"\n");
    var config = cli("serve", "--config", conf.toString(), "--print-config");
    assertThat(config.code()).isEqualTo(2);
    assertThat(config.err()).startsWith(words);
    // given to that user, as the classic setup does
    Files.setOwner(backup, backup.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    Files.getFileAttributeView(backup, java.nio.file.attribute.PosixFileAttributeView.class)
        .setGroup(backup.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("nogroup"));
    var ok = cli(flagArgs);
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("uid = nobody\n", "gid = nogroup\n");
  }
}
