package dev.livesync.ops.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.NullNode;
import org.junit.jupiter.api.Test;

class StatusViewTest {
  private static String sync(String watcher) throws Exception {
    String doc = "{\"state\":\"running\",\"pid\":7,\"startedMillis\":0,\"nowMillis\":1000,\"syncs\":[{\"name\":\"data\",\"source\":\"/data\","
        + "\"state\":\"running\",\"watches\":1,\"watchLimit\":8192,\"watcher\":\"" + watcher + "\",\"targets\":[]}]}";
    return StatusView.render(Json.MAPPER.readTree(doc), NullNode.getInstance());
  }

  @Test
  void aFanotifyWatcherShowsItsMarksWithoutTheInotifyLimit() throws Exception {
    assertThat(sync("fanotify")).contains("fanotify, 1 mark (no watch limit)").doesNotContain("max_user_watches");
  }

  @Test
  void anInotifyWatcherShowsItsWatchesOfTheUsersLimit() throws Exception {
    assertThat(sync("inotify")).contains("watches 1 of 8192 (max_user_watches, shared by the user)");
    assertThat(sync("")).contains("watches 1 of 8192 (max_user_watches, shared by the user)");
  }

  /** Held deletions named the flag alone, though the limit is max_delete of the config as often. */
  @Test
  void heldDeletionsNameTheLimitByItsConfigKeyAndItsFlag() throws Exception {
    var doc = Json.read("""
        {"pid":42,"state":"running","startedMillis":0,"nowMillis":1000,"syncs":[{"name":"data","source":"/data","state":"running",
         "watches":1,"watchLimit":8192,"targets":[{"target":"rsync://b@h:873/m","state":"ok","deletionsHeld":560}]}]}
        """, "status");
    String text = StatusView.render(doc, null);
    assertThat(text).contains("deletions held: 560 paths (more than max_delete / --max-delete allows; 'livesync release-deletes data' lets them go")
        .doesNotContain("more than --max-delete;");
  }

  /** `livesync status` said "syncing; queue 1 items (0 paths)" through a 95-s full sync: how far it was, nowhere. */
  @Test
  void aRunningFullSyncShowsItsProgress() throws Exception {
    var doc = Json.read("""
        {"pid":42,"state":"running","startedMillis":0,"nowMillis":1000,"syncs":[{"name":"data","source":"/data","state":"running",
         "watches":1,"watchLimit":8192,"targets":[{"target":"/backup","state":"syncing","queuedItems":1,
         "fullSyncProgress":"3,318,905 4% 0.16MB/s 0:00:20 (xfr#15000, to-chk=333470/351020) parts 1/21"}]}]}
        """, "status");
    assertThat(StatusView.render(doc, null))
        .contains("-> /backup: syncing; queue 1 items (0 paths)")
        .contains("; full sync: 3,318,905 4% 0.16MB/s 0:00:20 (xfr#15000, to-chk=333470/351020) parts 1/21");
  }
}
