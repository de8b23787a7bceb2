// The differential oracle for `validate` on ZooKeeper configs: parses each file with ZooKeeper's
// own QuorumPeerConfig.parse (what zookeeper-server-start.sh runs first), then applies the one
// start-up check QuorumPeer.start makes before touching disk or network: in an ensemble, this
// node's myid must be one of the server.N lines. Prints "FILE<TAB>accept" or
// "FILE<TAB>refuse<TAB>message" per file. Run with the jars of a Kafka 3.x release (they ship
// ZooKeeper 3.8):   java -cp 'libs/*' ZkConfigCheck.java FILE...
import java.util.Map;
import java.util.Properties;
import org.apache.zookeeper.server.quorum.QuorumPeer;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;

public class ZkConfigCheck {
  public static void main(String[] files) {
    StringBuilder out = new StringBuilder();
    for (String f : files) {
      // parse() copies unknown keys into system properties ("zookeeper." + key): undo that after
      // each file so that one file cannot change how the next is read.
      // standaloneEnabled and reconfigEnabled are static fields: back to their defaults too.
      Properties saved = (Properties) System.getProperties().clone();
      QuorumPeerConfig.setStandaloneEnabled(true);
      QuorumPeerConfig.setReconfigEnabled(false);
      String verdict;
      try {
        QuorumPeerConfig c = new QuorumPeerConfig();
        c.parse(f);
        if (c.isDistributed()) {
          Map<Long, QuorumPeer.QuorumServer> view = c.getQuorumVerifier().getAllMembers();
          if (!view.containsKey(c.getServerId()))
            throw new RuntimeException("My id " + c.getServerId() + " not in the peer list");
        }
        verdict = "accept";
      } catch (Exception e) {
        StringBuilder m = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
        for (Throwable c = e.getCause(); c != null; c = c.getCause())
          m.append(" <- ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        verdict = "refuse\t" + m.toString().replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
      } finally {
        System.setProperties(saved);
      }
      out.append(f).append('\t').append(verdict).append('\n');
    }
    System.out.print(out);
  }
}
