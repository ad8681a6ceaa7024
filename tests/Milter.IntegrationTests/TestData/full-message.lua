-- Drives the in-process milter through two messages on one connection with Debian's miltertest (OpenDKIM's
-- independent MTA-side implementation). Run as: miltertest -D port=PORT -s full-message.lua
-- A failed check prints what failed and raises an error, so miltertest exits non-zero.

local function fail(text)
	mt.echo("FAILED: " .. text)
	error(text)
end

local function check(condition, what)
	if not condition then
		fail("check failed: " .. what)
	end
end

local function ok(result, what)
	if result ~= nil then
		fail(what .. " failed: " .. result)
	end
end

mt.set_timeout(30)
local conn = mt.connect("inet:" .. port .. "@127.0.0.1", 5, 0.5)
check(conn ~= nil, "mt.connect()")

ok(mt.negotiate(conn, nil, nil, nil), "mt.negotiate()")
check(mt.test_action(conn, SMFIF_ADDHDRS), "milter requested SMFIF_ADDHDRS")
check(mt.test_action(conn, SMFIF_QUARANTINE), "milter requested SMFIF_QUARANTINE")
check(mt.test_option(conn, SMFIP_HDR_LEADSPC), "milter requested SMFIP_HDR_LEADSPC")
check(not mt.test_option(conn, SMFIP_NOHDRS), "milter wants headers")

ok(mt.conninfo(conn, "mail.example.org", "192.0.2.1"), "mt.conninfo()")
check(mt.getreply(conn) == SMFIR_CONTINUE, "continue after connect")
ok(mt.helo(conn, "mail.example.org"), "mt.helo()")
check(mt.getreply(conn) == SMFIR_CONTINUE, "continue after HELO")

-- Message 1: accepted with an Authentication-Results field inserted on top and one field added.
ok(mt.mailfrom(conn, "<alice@example.org>"), "mt.mailfrom()")
check(mt.getreply(conn) == SMFIR_CONTINUE, "continue after MAIL")
ok(mt.rcptto(conn, "<bob@example.net>"), "mt.rcptto()")
check(mt.getreply(conn) == SMFIR_CONTINUE, "continue after RCPT")
ok(mt.data(conn), "mt.data()")
check(mt.getreply(conn) == SMFIR_CONTINUE, "continue after DATA")
-- With SMFIP_HDR_LEADSPC negotiated miltertest sends "From: value" as on the wire, adding the space itself.
ok(mt.header(conn, "From", "Alice <alice@example.org>"), "mt.header(From)")
ok(mt.header(conn, "Subject", "accept"), "mt.header(Subject)")
check(mt.getreply(conn) == SMFIR_CONTINUE, "continue after headers")
ok(mt.eoh(conn), "mt.eoh()")
check(mt.getreply(conn) == SMFIR_CONTINUE, "continue after EOH")
ok(mt.bodystring(conn, "Hello from miltertest.\r\n"), "mt.bodystring()")
check(mt.getreply(conn) == SMFIR_CONTINUE, "continue after body")
ok(mt.eom(conn), "mt.eom()")
check(mt.getreply(conn) == SMFIR_CONTINUE, "continue at end of message")
-- Under SMFIP_HDR_LEADSPC the MTA copies added values verbatim, so the milter sends the space after the colon.
check(mt.eom_check(conn, MT_HDRINSERT, "Authentication-Results", " mx.authmilter.test; none", 0),
	"Authentication-Results inserted at index 0")
check(mt.eom_check(conn, MT_HDRADD, "X-Authmilter-Test", " miltertest"), "X-Authmilter-Test added")

-- Message 2 on the same connection: refused with a custom reply.
ok(mt.mailfrom(conn, "<mallory@example.com>"), "mt.mailfrom() 2")
ok(mt.rcptto(conn, "<bob@example.net>"), "mt.rcptto() 2")
ok(mt.header(conn, "Subject", "reject"), "mt.header(Subject) 2")
ok(mt.eoh(conn), "mt.eoh() 2")
ok(mt.bodystring(conn, "Second message.\r\n"), "mt.bodystring() 2")
ok(mt.eom(conn), "mt.eom() 2")
check(mt.getreply(conn) == SMFIR_REPLYCODE, "reply code at end of message 2")
check(mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1", "custom text"), "550 5.7.1 custom text")
check(not mt.eom_check(conn, MT_HDRINSERT), "no header change for message 2")

ok(mt.disconnect(conn), "mt.disconnect()")
mt.echo("miltertest script passed")
