package dev.livesync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The setup line's figures, by their rules, in the states setup passes through: a watch set on a
 * directory as it is found, listed later (more watched than listed), and listing first (more listed
 * than watched). Found is never fewer than watched, and the count shown beside the line is the one in it.
 */
class WatchProgressTest {
  @Test
  void foundIsNeverFewerThanWatched() {
    var watchFirst = new WatchProgress();
    for (int i = 0; i < 5; i++) watchFirst.watched(); // five found and watched, two of them listed yet
    watchFirst.listed();
    watchFirst.listed();
    assertThat(watchFirst.describe()).startsWith("5 directories watched (5 found so far)");

    var listFirst = new WatchProgress();
    for (int i = 0; i < 7; i++) listFirst.listed(); // listing first: seven found, three watched yet
    for (int i = 0; i < 3; i++) listFirst.watched();
    assertThat(listFirst.describe()).startsWith("3 directories watched (7 found so far)");
  }

  @Test
  void theCountShownBesideTheLineIsTheOneInIt() {
    var p = new WatchProgress();
    for (int i = 0; i < 4; i++) p.watched();
    long shown = p.watchedDirs(); // status's "watches N", read before setup went on
    p.watched();
    p.listed();
    assertThat(p.describe(shown)).startsWith("4 directories watched (4 found so far)");
  }
}
