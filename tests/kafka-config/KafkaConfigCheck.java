// The differential oracle for `validate`: loads each properties file exactly as kafka-server-start
// does (Utils.loadProps) and constructs kafka.server.KafkaConfig from it, which parses every key
// with its ConfigDef and runs KafkaConfig's start-up checks (validateValues). Prints one line per
// file: "FILE<TAB>accept" or "FILE<TAB>refuse<TAB>Kafka's message". Run with a release's jars:
//   java -cp 'libs/*' KafkaConfigCheck.java FILE...
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Properties;

public class KafkaConfigCheck {
  public static void main(String[] files) throws Exception {
    Method load = Class.forName("org.apache.kafka.common.utils.Utils").getMethod("loadProps", String.class);
    Method fromProps = Class.forName("kafka.server.KafkaConfig").getMethod("fromProps", Properties.class);
    StringBuilder out = new StringBuilder();
    for (String f : files) {
      String verdict;
      try {
        Properties p = (Properties) load.invoke(null, f);
        fromProps.invoke(null, p);
        verdict = "accept";
      } catch (InvocationTargetException e) {
        Throwable c = e.getCause();
        String m = String.valueOf(c.getMessage()).replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
        verdict = "refuse\t" + c.getClass().getSimpleName() + ": " + m;
      }
      out.append(f).append('\t').append(verdict).append('\n');
    }
    System.out.print(out);
  }
}
