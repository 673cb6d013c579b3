// srnode.click -- a source-routing node for a tenant's virtual network.
//
// A teaching-lab node that forwards by source routing and by nothing else
// it has to learn: the sender writes the path into every packet, and this
// node just follows it (see cabo-srcroute(7) for the header).  Two kinds of
// source route are understood:
//
//   * the Cabo source-route header (EtherType 0x88B5): a list of output
//     port numbers, one per hop.  SRForward takes the next hop out of the
//     interface it names; when the list is used up the packet has arrived,
//     SRHeaderDecap removes the header, and the original frame, byte for
//     byte as the sender captured it, is delivered locally.
//
//   * IPv6 Segment Routing (SRv6, RFC 8754 / RFC 8986): IPv6 packets with a
//     Segment Routing Header.  SRv6End acts as the segment $SID: it moves
//     the packet on to its next segment, routed by a small IPv6 table; at
//     the last segment SRv6Decap removes the outer IPv6 header and SRH and
//     the inner IPv4 or IPv6 packet is delivered locally.
//
// Other IPv6 packets (not for $SID) pass in transit through the same
// IPv6 table.  Anything else (ARP, plain IPv4, malformed headers, packets
// with no route, ...) is dropped and counted: this node has no addresses
// and answers nothing.
//
// Interfaces are trace files: each one reads the frames it "receives" from
// a pcap file and writes the frames it "sends" to another, so several nodes
// can be chained by handing one node's output file to the next as input,
//
//   cabo confs/srsender.click IN=capture.pcap OUT=a.pcap HOPS="1 1"
//   cabo confs/srnode.click IN0=a.pcap OUT1=b.pcap LOCAL=n1-local.pcap
//   cabo confs/srnode.click IN0=b.pcap OUT1=c.pcap LOCAL=n2-local.pcap
//   cabo confs/srnode.click IN0=c.pcap LOCAL=n3-local.pcap
//
// and n3-local.pcap then holds capture.pcap's frames again (see
// tests/confs/srnode-*.testie).  Every name below is a define: override it
// on the command line (NAME=VALUE) or copy this file and edit it.  To run
// on live interfaces, replace FromDump/ToDump with FromDevice/ToDevice.
//
// Port numbering.  SRForward's outputs are the node's links: hop 0 leaves
// by eth0, hop 1 by eth1.  Its output 2 (ARRIVED) is local delivery, where
// a frame whose route is used up goes.  A hop 2 leads there too: as the
// last hop it delivers the frame here (just as ending the route here
// does); with hops still after it, SRHeaderDecap drops the frame (`route
// not finished').  To give the node a third interface, add FromDump/ToDump
// and a queue for eth2, connect sr[2] to it, and move ARRIVED to 3.
//
// The Ethernet header travels unchanged with the frame: a source route
// needs no link addresses, and the last node delivers the frame exactly as
// the sender captured it.  (On a real Ethernet, put an EtherRewrite before
// each queue to set the link's addresses.)
//
// Exercises for the lab:
//   1. Chain three nodes and send a capture along "1 1".  Compare the input
//      and the last node's LOCAL file with `tcpdump -nn -xx'.
//   2. Read a frame in the middle of the chain with `tcpdump -nn -x': find
//      the pointer and the hop limit; how do they change at each node?
//   3. Send a route that is one hop too long, or that names hop 5.  Which
//      node drops it, and which reason does sr.drop_reasons give?
//   4. Why can a route visit the same node twice without looping?  What
//      happens when a (buggy) node sets the pointer back?
//
// What to look at after a run (cabo -h ELEMENT.HANDLER):
//   sr.count, sr.forwarded, sr.arrived   Cabo source-routed frames received,
//                                        forwarded, arrived here
//   sr.port_counts                       frames sent out of each SRForward
//                                        output (0 eth0, 1 eth1, 2 local)
//   sr.drops, sr.drop_reasons            malformed routes (bad pointer, hop
//                                        limit exceeded = loop, ...)
//   srdecap.drop_reasons                 arrived frames refused at delivery
//   seg.forwarded, seg.delivered,        SRv6: sent to the next segment,
//   seg.transit                          finished here, not for $SID
//   badsrh.count, expired.count          SRv6 headers in error, hop limit
//                                        run out (RFC 8754 would answer with
//                                        ICMPv6: see ICMP6Error)
//   chk6.drop_details, rt6.drop_reasons, srv6decap.drop_reasons
//   other.count                          frames neither 0x88B5 nor IPv6
//   tx0.count, tx1.count                 frames sent on each interface
//   local.count, local6.count            packets delivered here

define(
	// ---- the interfaces
	$IN0 in0.pcap,                  // frames received on eth0
	$OUT0 out0.pcap,                // frames sent on eth0
	$IN1 in1.pcap,                  // frames received on eth1
	$OUT1 out1.pcap,                // frames sent on eth1

	// ---- Cabo source routing
	$MAX_HOPS 64,                   // longest route accepted

	// ---- SRv6
	$SID fc00::1,                   // this node's segment identifier
	$ROUTE0 fc00:0:0:1::/64,        // IPv6 destinations reached by eth0
	$ROUTE1 ::/0,                   // IPv6 destinations reached by eth1

	// ---- local delivery
	$LOCAL local.pcap,              // frames whose Cabo route ended here
	$LOCAL6 local6.pcap,            // packets whose SRv6 path ended here
	                                //   (the inner packets, raw IP)
	$QUEUE 1000,                    // each interface's output queue
	$TIMING false                   // true: replay the traces at their pace
)

// ---- Receiving.  Both interfaces feed one classifier: a source route
// does not care where a packet came from.
src0 :: FromDump($IN0, TIMING $TIMING, END_CALL done.step);
src1 :: FromDump($IN1, TIMING $TIMING, END_CALL done.step);
// Both traces done: give the queues a moment to drain, then stop.
done :: Script(pause 2, wait 10ms, stop);

c :: Classifier(12/88b5,        // Cabo source-route header
                12/86dd,        // IPv6: maybe SRv6
                -);             // anything else
src0 -> c;
src1 -> c;

// ---- Sending.  A real interface pulls frames from its queue at line rate;
// a trace file takes everything queued each time Unqueue runs.
q0 :: Queue($QUEUE) -> Unqueue(BURST -1) -> tx0 :: Counter -> ToDump($OUT0);
q1 :: Queue($QUEUE) -> Unqueue(BURST -1) -> tx1 :: Counter -> ToDump($OUT1);

// ---- Cabo source routing.  The header follows the 14-byte Ethernet
// header.  SRForward checks it (version, lengths, pointer, hop limit: see
// cabo-srcroute(7)), drops malformed ones by reason, advances the pointer,
// decrements the hop limit and sends the frame out of the output the hop
// names.
c[0] -> sr :: SRForward(ARRIVED 2, OFFSET 14, MAX_HOPS $MAX_HOPS);
sr[0] -> q0;
sr[1] -> q1;
// Arrived: take the header off; the frame gets back its own EtherType.
sr[2] -> srdecap :: SRHeaderDecap(ETHER true)
      -> local :: Counter
      -> ToDump($LOCAL);

// ---- SRv6.  Check the IPv6 header (without the Ethernet header), then
// let SRv6End process the Segment Routing Header if the packet is for $SID.
//   seg[0]: the next segment (destination rewritten, hop limit and
//           Segments Left decremented) and IPv6 packets in transit (not
//           for $SID, passed unchanged): route them
//   seg[1]: the segment list is finished here: decapsulate and deliver
//   seg[2]: malformed SRH (RFC 8754: ICMPv6 Parameter Problem)
//   seg[3]: hop limit ran out (RFC 8754: ICMPv6 Time Exceeded)
c[1] -> Strip(14)
     -> chk6 :: CheckIP6Header
     -> seg :: SRv6End($SID);
chk6[1] -> bad6 :: Counter -> Discard;

// Where the next segment is: a static table.  Packets with no route are
// dropped (rt6.drop_reasons: `no route').  The frame keeps the Ethernet
// header it arrived with (Unstrip puts it back).  SRv6End has already
// decremented the hop limit of packets it moved to their next segment;
// packets in transit keep theirs (put a DecIP6HLIM on them to make this
// node a full IPv6 router).
seg[0] -> rt6 :: LookupIP6Route($ROUTE0 0, $ROUTE1 1);
rt6[0] -> Unstrip(14) -> q0;
rt6[1] -> Unstrip(14) -> q1;

seg[1] -> srv6decap :: SRv6Decap
       -> local6 :: Counter
       -> ToDump($LOCAL6, ENCAP IP);
seg[2] -> badsrh :: Counter -> Discard;
seg[3] -> expired :: Counter -> Discard;

// ---- Everything else: counted and dropped.
c[2] -> other :: Counter -> Discard;
