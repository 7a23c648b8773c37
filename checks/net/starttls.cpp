// The STARTTLS dialogs, one function per protocol, over one bounded reader.
//
// Each dialog follows its RFC and stops after the server's "go ahead" reply;
// the same steps `openssl s_client -starttls` and testssl.sh take, so their
// view of an endpoint and ours match.
#include "checks/net/starttls.hpp"

#include <string>

#include <fmt/format.h>

#include "checks/net/starttls_dialog.hpp"

namespace conformscan::checks::net {

using namespace starttls_detail;

core::Result<void> starttls_upgrade(TcpSocket& socket, std::string_view proto, const core::Target& target,
                                    Deadline deadline) {
    Dialog d(socket, proto, deadline);
    core::Result<void> done;
    if (proto == "smtp" || proto == "submission")
        done = smtp(d, false);
    else if (proto == "lmtp")
        done = smtp(d, true);
    else if (proto == "imap")
        done = imap(d);
    else if (proto == "pop3")
        done = pop3(d);
    else if (proto == "ftp")
        done = ftp(d);
    else if (proto == "ldap")
        done = ldap(d);
    else if (proto == "xmpp" || proto == "xmpp-server")
        done = xmpp(d, target, proto == "xmpp-server");
    else if (proto == "postgres")
        done = postgres(d);
    else if (proto == "mysql")
        done = mysql(d);
    else if (proto == "nntp")
        done = nntp(d);
    else if (proto == "sieve")
        done = sieve(d);
    else
        return core::make_error(std::string(kErrStarttls),
                                fmt::format("unknown STARTTLS protocol '{}'", proto), "starttls");
    if (!done) return done;
    return d.expect_drained();
}

}  // namespace conformscan::checks::net
