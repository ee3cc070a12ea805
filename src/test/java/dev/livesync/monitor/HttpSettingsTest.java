package dev.livesync.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.LivesyncException;
import dev.livesync.testing.TempFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpSettingsTest {
  @ParameterizedTest
  @CsvSource({"9123, 127.0.0.1, 9123", "127.0.0.1:9124, 127.0.0.1, 9124", "'[::1]:9125', 0:0:0:0:0:0:0:1, 9125", "localhost:9126, 127.0.0.1, 9126"})
  void loopbackNeedsNoToken(String spec, String host, int port) {
    HttpSettings s = HttpSettings.of(spec, null, "--http", "--http-token");
    assertThat(s.listen().getAddress().getHostAddress()).isEqualTo(host);
    assertThat(s.listen().getPort()).isEqualTo(port);
    assertThat(s.token()).isNull();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0.0.0.0:9123 | listens beyond this host: give --http-token FILE too",
      "abc | expected ADDR:PORT",
      "127.0.0.1:0 | the port must be from 1 to 65535",
      "127.0.0.1:70000 | the port must be from 1 to 65535",
      "::1:9123 | write an IPv6 address in brackets",
      "no-such-host.invalid:9123 | unknown host"})
  void refusesWithOneLineAndExit2(String spec, String message) {
    assertThatThrownBy(() -> HttpSettings.of(spec, null, "--http", "--http-token"))
        .isInstanceOf(LivesyncException.class).hasMessageContaining(message)
        .satisfies(e -> assertThat(((LivesyncException) e).exitCode()).isEqualTo(2));
  }

  @Test
  void aTokenFileMustBePrivateAndLongEnough() throws Exception {
    Path dir = TempFiles.dir("token");
    try {
      Path token = dir.resolve("token");
      Files.writeString(token, "0123456789abcdefXYZ\n");
      Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
      assertThatThrownBy(() -> HttpSettings.of("0.0.0.0:9123", token, "--http", "--http-token"))
          .hasMessageContaining("token file " + token + " is accessible by its group or others (mode 0644): run 'chmod 600");
      Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
      assertThat(HttpSettings.of("0.0.0.0:9123", token, "--http", "--http-token").token()).isEqualTo("0123456789abcdefXYZ");
      Files.writeString(token, "short\n");
      assertThatThrownBy(() -> HttpSettings.of("0.0.0.0:9123", token, "--http", "--http-token"))
          .hasMessageContaining("the token is 5 characters; use at least 16");
    } finally {
      TempFiles.deleteTree(dir);
    }
  }

  @Test
  void bearerOrBasicWithTheTokenAsPassword() {
    String t = "0123456789abcdefXYZ";
    assertThat(WebServer.authorized("Bearer " + t, t)).isTrue();
    assertThat(WebServer.authorized("bearer " + t, t)).isTrue();
    assertThat(WebServer.authorized("Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + t).getBytes()), t)).isTrue();
    assertThat(WebServer.authorized("Bearer " + t + "x", t)).isFalse();
    assertThat(WebServer.authorized("Basic !!!", t)).isFalse();
    assertThat(WebServer.authorized(null, t)).isFalse();
  }

  @Test
  void fullSyncProgressLines() {
    var p = FullSyncProgress.parse("    123,456,789  45%   11.50MB/s    0:01:40 (xfr#12, to-chk=100/200)", 121_000, 1_000, null);
    assertThat(p.bytes()).isEqualTo(123456789);
    assertThat(p.percent()).isEqualTo(45);
    assertThat(p.elapsedSeconds()).as("since the full sync started, by livesync's clock").isEqualTo(120);
    assertThat(p.filesTotal()).isEqualTo(200);
    assertThat(p.etaSeconds()).isEqualTo(122);
    var scanning = FullSyncProgress.parse("  5000  3%  1.00MB/s  0:00:02 (xfr#3, ir-chk=1000/1200)", 1);
    assertThat(scanning.etaSeconds()).isEqualTo(-1);
    assertThat(FullSyncProgress.parse("sending incremental file list", 1)).isNull();
  }
}
