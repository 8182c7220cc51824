package dev.gatehouse.acme.dns;

import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIGRecord;

/**
 * What a DNS server's refusal means for the user: the response code as DNS tools print it ({@code REFUSED},
 * {@code NOTAUTH, TSIG BADSIG}) and what to check. TSIG errors (RFC 8945 §5.3.2) come with rcode NOTAUTH and the
 * real reason in the TSIG record.
 */
final class ResponseCodes {
    private ResponseCodes() {
    }

    /** The code as printed: the rcode, and the TSIG error when there is one. */
    static String code(Message response) {
        String rcode = Rcode.string(response.getRcode());
        TSIGRecord tsig = response.getTSIG();
        if (tsig != null && tsig.getError() != Rcode.NOERROR) {
            return rcode + ", TSIG " + Rcode.TSIGstring(tsig.getError());
        }
        return rcode;
    }

    /** What an update refused with {@code response} means, for key {@code keyName}. */
    static String updateRefused(Message response, String keyName) {
        TSIGRecord tsig = response.getTSIG();
        int tsigError = tsig == null ? Rcode.NOERROR : tsig.getError();
        if (tsigError == Rcode.BADSIG) {
            return "the server rejects the signature: tsig.secret is not the secret of key " + keyName + " there";
        }
        if (tsigError == Rcode.BADKEY) {
            return "the server does not accept key " + keyName + " for this zone (check the key's name and algorithm,"
                    + " and that the zone's ACL or update-policy allows it)";
        }
        if (tsigError == Rcode.BADTIME) {
            return "the server's clock and this machine's differ by more than 5 minutes";
        }
        return switch (response.getRcode()) {
            case Rcode.REFUSED -> "the server refuses updates to this zone (check its allow-update/update-policy or ACL)";
            case Rcode.NOTAUTH -> "the server is not authoritative for this zone or does not accept the key "
                    + keyName + " for it (check acme.dns.zone and nameserver)";
            case Rcode.NOTZONE -> "the record is outside the zone (check acme.dns.zone)";
            case Rcode.SERVFAIL -> "the server failed to apply the update (see its log)";
            case Rcode.NOTIMP -> "the server does not accept dynamic updates (RFC 2136); send them to the zone's primary";
            case Rcode.FORMERR -> "the server could not parse the update";
            default -> "the update was not applied";
        };
    }
}
