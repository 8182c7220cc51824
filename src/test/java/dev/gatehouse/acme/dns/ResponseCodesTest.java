package dev.gatehouse.acme.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;

/** What refused updates mean, for the codes servers other than the test's Knot answer with. */
class ResponseCodesTest {

    @Test
    void refusedNotauthAndTsigErrorsAreNamedAndExplained() throws Exception {
        Message refused = answer(Rcode.REFUSED, Rcode.NOERROR);
        assertThat(ResponseCodes.code(refused)).isEqualTo("REFUSED");
        assertThat(ResponseCodes.updateRefused(refused, "k")).contains("refuses updates to this zone",
                "update-policy");

        Message notauth = answer(Rcode.NOTAUTH, Rcode.NOERROR);
        assertThat(ResponseCodes.code(notauth)).isEqualTo("NOTAUTH");
        assertThat(ResponseCodes.updateRefused(notauth, "k")).contains("not authoritative for this zone");

        Message badtime = answer(Rcode.NOTAUTH, Rcode.BADTIME);
        assertThat(ResponseCodes.code(badtime)).isEqualTo("NOTAUTH, TSIG BADTIME");
        assertThat(ResponseCodes.updateRefused(badtime, "k")).contains("clock");

        Message badkey = answer(Rcode.NOTAUTH, Rcode.BADKEY);
        assertThat(ResponseCodes.code(badkey)).isEqualTo("NOTAUTH, TSIG BADKEY");
        assertThat(ResponseCodes.updateRefused(badkey, "gatehouse-key")).contains("does not accept key gatehouse-key");

        assertThat(ResponseCodes.updateRefused(answer(Rcode.NOTIMP, Rcode.NOERROR), "k"))
                .contains("does not accept dynamic updates");
    }

    private static Message answer(int rcode, int tsigError) throws Exception {
        Message m = new Message();
        m.getHeader().setRcode(rcode);
        if (tsigError != Rcode.NOERROR) {
            m.addRecord(new TSIGRecord(Name.fromString("k."), DClass.ANY, 0, TSIG.HMAC_SHA256, Instant.now(),
                    Duration.ofMinutes(5), new byte[0], m.getHeader().getID(), tsigError, null), Section.ADDITIONAL);
        }
        return m;
    }
}
