package dev.livesync.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * rsync's {@code --info=progress2} lines as livesync reads them (run with {@code
 * --no-human-readable}), captured from real runs of rsync 3.x with {@code --bwlimit}. The time on a
 * line without {@code (xfr#...)} is rsync's estimate of the time left; on a line that ends a file
 * it is the time the transfer has run. The page showed the first as the elapsed time (counting
 * down: 8, 7, 6 s "elapsed") and no ETA at all while a file was on its way.
 */
class FullSyncProgressLinesTest {
  /** 30 MB in three files at --bwlimit=3000K: one line every second or so. */
  static final List<String> THIRTY_MB = List.of(
      "          32768   0%    0.00kB/s    0:00:00  ",
      "        3309568  11%    2.93MB/s    0:00:08  ",
      "        6619136  22%    2.92MB/s    0:00:07  ",
      "        9895936  32%    2.93MB/s    0:00:06  ",
      "       10000000  33%    2.96MB/s    0:00:03 (xfr#1, to-chk=2/4)",
      "       13211264  44%    2.93MB/s    0:00:05  ",
      "       16586368  55%    2.93MB/s    0:00:04  ",
      "       19895936  66%    2.93MB/s    0:00:03  ",
      "       20000000  66%    2.94MB/s    0:00:06 (xfr#2, to-chk=1/4)",
      "       23211264  77%    2.93MB/s    0:00:02  ",
      "       26520832  88%    2.93MB/s    0:00:01  ",
      "       29830400  99%    2.92MB/s    0:00:00  ",
      "       30000000 100%    2.94MB/s    0:00:09 (xfr#3, to-chk=0/4)");

  /** Each line read one second after the one before, the full sync having started at 1000 ms. */
  static List<FullSyncProgress> read(List<String> lines) {
    List<FullSyncProgress> out = new ArrayList<>();
    FullSyncProgress before = null;
    for (int i = 0; i < lines.size(); i++) {
      FullSyncProgress p = FullSyncProgress.parse(lines.get(i), 1000 + (i + 1) * 1000L, 1000, before);
      assertThat(p).as(lines.get(i)).isNotNull();
      out.add(p);
      before = p;
    }
    return out;
  }

  @Test
  void whileAFileIsOnItsWayTheTimeIsTheEtaAndElapsedIsLivesyncsOwn() {
    List<FullSyncProgress> ps = read(THIRTY_MB);
    assertThat(ps).extracting(FullSyncProgress::elapsedSeconds).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L);
    // no rate yet: no estimate; then rsync's time left; on a line ending a file, from rsync's elapsed and percent
    assertThat(ps).extracting(FullSyncProgress::etaSeconds).containsExactly(-1L, 8L, 7L, 6L, 6L, 5L, 4L, 3L, 3L, 2L, 1L, 0L, 0L);
    assertThat(ps).extracting(FullSyncProgress::scanning).containsOnly(false);
    assertThat(ps.get(1).bytes()).isEqualTo(3309568);
    assertThat(ps.get(1).percent()).isEqualTo(11);
    // files checked: unknown before the first file is done, then carried over the lines between files
    assertThat(ps).extracting(FullSyncProgress::filesTotal).containsExactly(-1L, -1L, -1L, -1L, 4L, 4L, 4L, 4L, 4L, 4L, 4L, 4L, 4L);
    assertThat(ps).extracting(FullSyncProgress::filesLeft).containsExactly(-1L, -1L, -1L, -1L, 2L, 2L, 2L, 2L, 1L, 1L, 1L, 1L, 0L);
    assertThat(ps.get(5).line()).isEqualTo("13211264  44%    2.93MB/s    0:00:05");
  }

  /** 30 directories of 200 small files and a 300 kB one at --bwlimit=1000K: rsync lists the tree as it goes (incremental recursion). */
  @Test
  void whileRsyncStillListsTheTreeThereIsNoEta() {
    List<FullSyncProgress> ps = read(List.of(
        "          32768   1%    0.00kB/s    0:00:00  ",
        "         300000  16%    1.87MB/s    0:00:00 (xfr#1, ir-chk=1205/1237)",
        "        1100284  40%  994.75kB/s    0:00:01  ",
        "        7230408  82%  978.28kB/s    0:00:07 (xfr#4824, ir-chk=1005/5860)",
        "        7530408  83%  966.08kB/s    0:00:07 (xfr#4825, to-chk=1205/6061)",
        "        8394248  91%  958.98kB/s    0:00:01  "));
    assertThat(ps).extracting(FullSyncProgress::scanning).containsExactly(false, true, true, true, false, false);
    assertThat(ps).extracting(FullSyncProgress::etaSeconds).containsExactly(-1L, -1L, -1L, -1L, 1L, 1L);
    assertThat(ps.get(4).filesTotal()).isEqualTo(6061);
    assertThat(ps.get(5).filesLeft()).isEqualTo(1205);
  }

  @Test
  void noEstimateAndOtherLines() {
    var p = FullSyncProgress.parse("        1048576  10%    0.00kB/s  ??:??:??  ", 5000, 2000, null);
    assertThat(p.etaSeconds()).isEqualTo(-1);
    assertThat(p.elapsedSeconds()).isEqualTo(3);
    assertThat(FullSyncProgress.parse("sending incremental file list", 1)).isNull();
    assertThat(FullSyncProgress.parse("", 1)).isNull();
  }
}
