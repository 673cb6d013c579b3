// router.click -- a dual-stack (IPv4 + IPv6) router with two interfaces,
// fed from traces.
//
// The IPv4 half is confs/iprouter.click (Click's classic IP router; read it
// first, its comments explain every IPv4 element).  This file adds IPv6
// beside it on the same two Ethernets: each interface has an IPv4 and an
// IPv6 address, frames are sorted by type as they arrive, and each protocol
// has its own routing table, its own address resolution (ARP for IPv4,
// Neighbor Discovery for IPv6) and its own ICMP errors.  Like iprouter.click
// it reads the frames each interface "receives" from a pcap trace and writes
// the frames it "sends" to another:
//
//   cabo confs/router.click IN0=lan.pcap IN1=uplink.pcap \
//        OUT0=lan-out.pcap OUT1=uplink-out.pcap
//   tcpdump -nn -v -e -r lan-out.pcap
//
// Every name and address below is a define: override it on the command line
// (NAME=VALUE).  tests/confs/router-*.testie build small traces with a few
// lines of shell and replay a real capture (ppp__tls2.pcap, a host browsing
// over IPv4 and IPv6) with the interfaces numbered like its hosts.  Run with
// `cabo --simtime' and TIMING=true to keep the traces in step by their
// timestamps (each FromDump starts its trace at the time of its first
// frame, so let both traces begin at the same time).  The router learns
// only from advertisements that answer its own solicitations, so in a trace
// a neighbour's advertisement must come after the first packet to it.
//
// The router sits between two Ethernets:
//
//   eth0  10.0.0.1/24   2001:db8:0::1/64   the LAN
//   eth1  10.0.1.1/24   2001:db8:1::1/64   the uplink; the default gateways
//                                          are 10.0.1.254 and 2001:db8:1::fe
//
// A frame's way through the router:
//
//   FromDump -> EtherInput: a Classifier sorts by Ethernet type, and for
//               IPv6 by ICMPv6 type:
//                 ARP queries             -> ARPResponder (answers for $IP0)
//                 ARP replies             -> the interface's ARPQuerier
//                 IPv4                    -> checked -> rt  (IPv4 routing)
//                 Neighbor Solicitations  -> IP6NDAdvertiser (for $IP6_0)
//                 Neighbor Advertisements -> the interface's IP6NDSolicitor
//                 other IPv6              -> checked -> rt6 (IPv6 routing)
//                 anything else           -> counted and dropped
//            -> rt / rt6: longest prefix match on the destination
//            -> EtherOutput: for IPv4 as in iprouter.click; for IPv6:
//               decrement the hop limit (expired packets get an ICMPv6
//               time exceeded), then find the next hop's Ethernet address
//               with Neighbor Discovery (IP6NDSolicitor: the IPv6 ARP)
//            -> Queue -> Unqueue -> ToDump
//
// IPv6 differs from IPv4 in ways this file shows:
//  * no header checksum: decrementing the hop limit changes one byte only;
//  * no fragmentation by routers: a packet larger than the next link's MTU
//    is dropped and answered with an ICMPv6 packet too big (type 2) that
//    tells the sender the MTU (RFC 4443 3.2, RFC 8201 path MTU discovery);
//  * address resolution is ICMPv6 inside IPv6 (Neighbor Solicitation, type
//    135, to a solicited-node multicast address; Neighbor Advertisement,
//    type 136), not a protocol of its own like ARP;
//  * there is no broadcast address; multicast (ff00::/8) and link-local
//    (fe80::/10) destinations are never forwarded.
//
// What to look at after a run (cabo -h ELEMENT.HANDLER):
//   tx0.count, tx1.count          frames sent on each interface
//   local.count, local6.count     packets for the router itself
//   in0/chk.drop_details          malformed IPv4 packets received, by reason
//   in0/chk6.drop_details         malformed IPv6 packets received, by reason
//   in0/other.count               frames neither IPv4, IPv6 nor ARP
//   in0/nda.drop_reasons          solicitations not answered, by reason
//   out0/arpq.table               what ARP learned on eth0
//   out0/nds.table                what Neighbor Discovery learned on eth0
//   out0/nds.stats, out0/nds.length, out0/nds.drop_reasons
//   out0/dh.drops                 IPv6 packets whose hop limit ran out
//   out0/expired6.count           ICMPv6 time exceeded sent
//   out0/toobig6.count            ICMPv6 packet too big sent
//   unreach0.count, unreach1.count  ICMPv6 destination unreachable sent
//   lost6.count                   ICMPv6 errors with no route back
//   rt.table, rt6.table           the routes

define(
	// ---- eth0: the LAN
	$IN0 in0.pcap,                  // frames received on eth0
	$OUT0 out0.pcap,                // frames sent on eth0
	$ETH0 02:00:0a:00:00:01,        // eth0's Ethernet address
	$IP0 10.0.0.1,                  // the router's IPv4 address on eth0
	$NET0 10.0.0.0/24,              // the IPv4 subnet on eth0
	$BCAST0 10.0.0.255,             // its broadcast address
	$MTU0 1500,                     // largest IP packet eth0 carries (IPv4
	                                // and IPv6; IPv6 needs at least 1280)
	$IP6_0 2001:db8:0::1,           // the router's IPv6 address on eth0
	$NET6_0 2001:db8:0::/64,        // the IPv6 prefix on eth0

	// ---- eth1: the uplink
	$IN1 in1.pcap,
	$OUT1 out1.pcap,
	$ETH1 02:00:0a:00:01:01,
	$IP1 10.0.1.1,
	$NET1 10.0.1.0/24,
	$BCAST1 10.0.1.255,
	$MTU1 1500,
	$IP6_1 2001:db8:1::1,
	$NET6_1 2001:db8:1::/64,
	$GW 10.0.1.254,                 // IPv4 default gateway, on eth1
	$GW6 2001:db8:1::fe,            // IPv6 gateway to the Internet, on eth1

	// ---- the rest
	$LOCAL /dev/null,               // IPv4 packets for the router (raw IP pcap)
	$LOCAL6 /dev/null,              // IPv6 packets for the router (raw IP pcap)
	$QUEUE 200,                     // each interface's output queue, in packets
	$ND_TIMEOUT 2min,               // Neighbor Discovery entries expire after this,
	$ND_POLL 1min,                  // and are probed (unicast solicitation) after
	                                // this; 0 means never.  Neighbours in a
	                                // trace cannot answer probes: for traces
	                                // longer than a minute, set both to 0.
	$TIMING false                   // true: replay the traces at their own pace
)

// ---- Receiving: one EtherInput per interface.
//   input 0:  Ethernet frames received on the interface
//   output 0: IPv4 packets, Ethernet header removed, checked, painted
//             $color, destination address annotation set: to rt
//   output 1: ARP replies: to the interface's ARPQuerier
//   output 2: answers the router makes (ARP replies to queries for $ip,
//             Neighbor Advertisements for $ip6): to the output queue
//   output 3: IPv6 packets, Ethernet header removed, checked, painted
//             $color, destination address annotation set: to rt6
//   output 4: Neighbor Advertisements: to the interface's IP6NDSolicitor
elementclass EtherInput {
	$color, $ip, $eth, $badsrc, $gooddst, $ip6 |

	// Classifier patterns are OFFSET/HEXVALUE, counted from the start of
	// the Ethernet frame: 12 is the Ethernet type, 20 the ARP opcode or the
	// IPv6 next header (0x3a: ICMPv6), 54 the ICMPv6 type (14 bytes of
	// Ethernet header + 40 of IPv6 header); 14/60%f0 checks the IPv6
	// version (the top four bits of byte 14; %MASK selects bits), so that a
	// frame that merely looks like Neighbor Discovery at those offsets goes
	// to CheckIP6Header and is counted as malformed.  Neighbor Discovery messages
	// with extension headers before the ICMPv6 header are invalid (RFC 4861
	// forbids them), and go the IPv6 way (to the router itself).
	input -> c :: Classifier(12/0806 20/0001,         // ARP queries
	                         12/0806 20/0002,         // ARP replies
	                         12/0800,                 // IPv4
	                         12/86dd 14/60%f0 20/3a 54/87,  // Neighbor Solicitations
	                         12/86dd 14/60%f0 20/3a 54/88,  // Neighbor Advertisements
	                         12/86dd,                 // other IPv6
	                         -);                      // anything else

	// ---- IPv4, exactly as in iprouter.click.
	c[0] -> arpr :: ARPResponder($ip $eth) -> [2]output;
	c[1] -> [1]output;
	c[2] -> Paint($color)
	     -> Strip(14)
	     -> chk :: CheckIPHeader(BADSRC $badsrc, GOODDST $gooddst)
	     -> GetIPAddress(16)
	     -> [0]output;

	// ---- IPv6.
	// "Who has $ip6?" is answered with "$ip6 is at $eth" (the IPv6
	// counterpart of ARPResponder).  Solicitations for other addresses
	// (other hosts', duplicate address detection) are counted under `no
	// matching entry' and dropped.
	c[3] -> nda :: IP6NDAdvertiser($ip6 $eth) -> [2]output;

	// Advertisements answer the router's solicitations (output 4 goes to
	// this interface's IP6NDSolicitor, input 1).
	c[4] -> [4]output;

	// Other IPv6 packets: remember the incoming interface, strip the
	// Ethernet header, and check the IPv6 header: version 6, payload
	// length within the frame (Ethernet padding is cut), and addresses:
	// the source may not be multicast, the loopback address, or (BADADDRS)
	// the unspecified address ::, which only a host configuring its address
	// uses, on its own link.  CheckIP6Header also copies the destination
	// address into the annotation rt6 reads.  Malformed packets are counted
	// by reason (chk6.drop_details) and dropped.
	c[5] -> Paint($color)
	     -> Strip(14)
	     -> chk6 :: CheckIP6Header(BADADDRS ::)
	     -> [3]output;

	// LLDP, ...: this router does not handle them.
	c[6] -> other :: Discard;
}

// ---- Sending: one EtherOutput per interface.
//   input 0:  IPv4 packets rt sent to this interface, next hop in the
//             destination address annotation
//   input 1:  ARP replies received on this interface
//   input 2:  IPv6 packets rt6 sent to this interface, next hop in the
//             destination address annotation
//   input 3:  Neighbor Advertisements received on this interface
//   output 0: Ethernet frames to send: IPv4 and IPv6 packets, ARP queries,
//             Neighbor Solicitations
//   output 1: ICMP errors: to rt
//   output 2: ICMPv6 errors: to rt6
elementclass EtherOutput {
	$color, $ip, $eth, $mtu, $ip6, $ndtimeout, $ndpoll |

	// ---- IPv4, exactly as in iprouter.click.
	input[0] -> DropBroadcasts
	         -> cp :: PaintTee($color)
	         -> gio :: IPGWOptions($ip)
	         -> FixIPSrc($ip)
	         -> dt :: DecIPTTL
	         -> fr :: IPFragmenter($mtu)
	         -> arpq :: ARPQuerier($ip, $eth)
	         -> [0]output;
	input[1] -> [1]arpq;

	cp[1]  -> redirect :: ICMPError($ip, redirect, host) -> [1]output;
	gio[1] -> badopt :: ICMPError($ip, parameterproblem) -> [1]output;
	dt[1]  -> expired :: ICMPError($ip, timeexceeded) -> [1]output;
	fr[1]  -> needfrag :: ICMPError($ip, unreachable, needfrag, PMTU $mtu) -> [1]output;

	// ---- IPv6.
	// Decrement the hop limit after deciding to forward; a packet that
	// arrived with hop limit 1 (or 0) has expired: answer with an ICMPv6
	// time exceeded (type 3, code 0, `in transit') from this interface's
	// address.  IPv6 has no header checksum to update.
	input[2] -> dh :: DecIP6HLIM
	// Routers do not fragment IPv6 packets: a packet larger than the link's
	// MTU (IPv6 header and payload, as IPFragmenter counts for IPv4) is
	// dropped and answered with an ICMPv6 packet too big (type 2, code 0)
	// carrying the MTU, so that the sender sends smaller packets (path MTU
	// discovery, RFC 8201).  It quotes the packet as it would have left,
	// hop limit already decremented, as ICMPError does for IPv4 packets
	// that need fragmentation; an oversize packet whose hop limit ran out
	// gets a time exceeded instead.
	         -> mtu6 :: CheckLength($mtu)
	// Find the next hop's Ethernet address: known addresses at once;
	// otherwise the packet waits while a Neighbor Solicitation goes to the
	// next hop's solicited-node multicast address (ff02::1:ffXX:XXXX), sent
	// again every second, three times at most; when the advertisement comes
	// back (input 3) the waiting packets leave in order.  Then add the
	// Ethernet header (type 0x86dd).  A known address expires $ndtimeout
	// after it was last confirmed; after $ndpoll the next packet to it also
	// sends a unicast solicitation, to check the neighbour is still there.
	         -> nds :: IP6NDSolicitor($ip6, $eth, TIMEOUT $ndtimeout, POLL_TIMEOUT $ndpoll)
	         -> [0]output;
	input[3] -> [1]nds;

	dh[1] -> expired6 :: ICMP6Error($ip6, timeexceeded, transit) -> [2]output;
	mtu6[1] -> toobig6 :: ICMP6Error($ip6, packettoobig, PMTU $mtu) -> [2]output;
}

// ---- The interfaces.  The colours are also the routing tables' output
// ports for the interfaces.
in0 :: EtherInput(1, $IP0, $ETH0, $BCAST0 $BCAST1 0.0.0.0 255.255.255.255, $IP0 $IP1, $IP6_0);
in1 :: EtherInput(2, $IP1, $ETH1, $BCAST0 $BCAST1 0.0.0.0 255.255.255.255, $IP0 $IP1, $IP6_1);
out0 :: EtherOutput(1, $IP0, $ETH0, $MTU0, $IP6_0, $ND_TIMEOUT, $ND_POLL);
out1 :: EtherOutput(2, $IP1, $ETH1, $MTU1, $IP6_1, $ND_TIMEOUT, $ND_POLL);

// The traces: when both are done, give the queues, ARP and Neighbor
// Discovery a moment to drain, then stop.
src0 :: FromDump($IN0, TIMING $TIMING, END_CALL done.step) -> in0;
src1 :: FromDump($IN1, TIMING $TIMING, END_CALL done.step) -> in1;
done :: Script(pause 2, wait 10ms, stop);

// Output queues (see iprouter.click): IPv4 and IPv6 share each interface.
q0 :: Queue($QUEUE) -> Unqueue(BURST -1) -> tx0 :: Counter -> dump0 :: ToDump($OUT0);
q1 :: Queue($QUEUE) -> Unqueue(BURST -1) -> tx1 :: Counter -> dump1 :: ToDump($OUT1);

// ---- The IPv4 routing table, as in iprouter.click.  Outputs:
//   0: for the router itself   1: eth0's subnet   2: eth1's subnet
rt :: RadixIPLookup($IP0/32 0, $BCAST0/32 0,
                    $IP1/32 0, $BCAST1/32 0,
                    $NET0 1,
                    $NET1 2,
                    0.0.0.0/0 $GW 2);

// ---- The IPv6 routing table.  Outputs:
//   0: for the router itself: its addresses, and every multicast (ff00::/8)
//      and link-local (fe80::/10) destination, which no router forwards
//   1: eth0's prefix            2: eth1's prefix
//   3: no route: answered with ICMPv6 destination unreachable
// The Internet's unicast addresses are 2000::/3 (RFC 4291): they go to the
// gateway on eth1.  Everything else (unique local addresses fc00::/7
// elsewhere than on our links, unassigned space) has no route.
rt6 :: LookupIP6Route($IP6_0/128 0, $IP6_1/128 0,
                      ff00::/8 0, fe80::/10 0,
                      $NET6_0 1,
                      $NET6_1 2,
                      2000::/3 $GW6 2,
                      ::/0 3);

in0[0] -> rt;
in1[0] -> rt;
in0[1] -> [1]out0;
in1[1] -> [1]out1;
in0[2] -> q0;
in1[2] -> q1;
in0[3] -> rt6;
in1[3] -> rt6;
in0[4] -> [3]out0;
in1[4] -> [3]out1;

rt[0] -> local :: Counter -> ToDump($LOCAL, ENCAP IP);
rt[1] -> [0]out0;
rt[2] -> [0]out1;

rt6[0] -> local6 :: Counter -> ToDump($LOCAL6, ENCAP IP);
rt6[1] -> [2]out0;
rt6[2] -> [2]out1;
// No route: the error comes from the address of the interface the packet
// came in on (PaintSwitch sends paint 1 to output 1, paint 2 to output 2).
// An error carries no paint: when it has no route back to the sender
// either, it ends in lost6.
rt6[3] -> ps :: PaintSwitch;
ps[0] -> lost6 :: Discard;
ps[1] -> unreach0 :: ICMP6Error($IP6_0, unreachable, noroute) -> rt6;
ps[2] -> unreach1 :: ICMP6Error($IP6_1, unreachable, noroute) -> rt6;

out0[0] -> q0;
out1[0] -> q1;
out0[1] -> rt;
out1[1] -> rt;
out0[2] -> rt6;
out1[2] -> rt6;
