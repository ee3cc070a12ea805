package dev.livesync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Whether what /etc/fstab mounts above a path is mounted, read from a test's own fstab (the livesync.fstab property). */
class MountsTest {
  final Path dir = Trees.path(Trees.tempDir("mounts"));

  @AfterEach
  void cleanUp() {
    System.clearProperty("livesync.fstab");
    Trees.delete(Bytes.of(dir.toString()));
  }

  void fstab(String text) throws Exception {
    Path f = dir.resolve("fstab");
    Files.writeString(f, text);
    System.setProperty("livesync.fstab", f.toString());
  }

  @Test
  void aPathBelowAnFstabMountPointWithNothingMountedThereIsNamedWithIt() throws Exception {
    Files.createDirectories(dir.resolve("usb"));
    Files.createDirectories(dir.resolve("two words"));
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("usb"));
    fstab("# <file system> <mount point> <type> <options> <dump> <pass>\n"
        + "UUID=0a1b /               ext4    errors=remount-ro 0       1\n"
        + "proc /proc proc defaults 0 0\n"
        + "/dev/sdz1 " + dir.resolve("usb") + "/ ext4 noauto,nofail 0 2\n"
        + "/dev/sdz2 " + dir.resolve("usb/inner") + " ext4 noauto 0 2\n"
        + "\t/dev/sdz3\t" + dir + "/two\\040words xfs defaults 0 2\n"
        + "/swapfile none swap sw 0 0\n"
        + "  # " + dir.resolve("commented") + " ext4\n");
    String usb = dir.resolve("usb").toString();
    assertThat(Mounts.notMounted(dir.resolve("usb"))).as("the mount point itself").isEqualTo(usb);
    assertThat(Mounts.notMounted(dir.resolve("usb/backup/data"))).as("below it, not there yet").isEqualTo(usb);
    assertThat(Mounts.notMounted(dir.resolve("usb/inner/x"))).as("the nearest mount point").isEqualTo(usb + "/inner");
    assertThat(Mounts.notMounted(dir.resolve("link/backup"))).as("through a symlink").isEqualTo(usb);
    assertThat(Mounts.notMounted(dir.resolve("two words/b"))).as("an escaped space").isEqualTo(dir + "/two words");
    assertThat(Mounts.notMounted(dir.resolve("usbx/b"))).as("a name that only starts alike").isNull();
    assertThat(Mounts.notMounted(dir.resolve("commented/b"))).isNull();
    assertThat(Mounts.notMounted(Path.of("/proc/self"))).as("mounted").isNull();
    assertThat(Mounts.notMounted(Path.of("/var/tmp"))).as("/ is always there").isNull();
  }

  @Test
  void aMountPointThatFstabNamesThroughASymlinkIsFoundMounted() throws Exception {
    Files.createSymbolicLink(dir.resolve("proc-link"), Path.of("/proc"));
    fstab("proc " + dir.resolve("proc-link") + " proc defaults 0 0\n");
    assertThat(Mounts.notMounted(dir.resolve("proc-link/self"))).isNull();
  }

  @Test
  void withoutAnFstabNothingIsSaidToBeMissing() {
    System.setProperty("livesync.fstab", dir.resolve("no-such-fstab").toString());
    assertThat(Mounts.notMounted(dir.resolve("usb/backup"))).isNull();
  }
}
