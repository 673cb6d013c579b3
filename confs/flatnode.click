// flatnode.click -- a flat-address node for a tenant's virtual network.
//
// A node that forwards on flat identifiers (cabo-flat(7)): 160-bit names
// that say who an endpoint is, not where it is.  Every frame of EtherType
// 0x88B6 carries a flat header with a destination id; the node looks the id
// up, by exact match, in a table the tenant's control plane keeps (here a
// file, $IDS, shipped as confs/flat-ids.txt), and sends the frame out of the
// output the table names.  No prefixes, no longest match: an id that moves
// just gets a new table entry.
//
//   cabo confs/flatnode.click IN0=lan.pcap IN1=uplink.pcap \
//        OUT0=lan-out.pcap OUT1=uplink-out.pcap IDS=confs/flat-ids.txt
//
// Every name below is a define: override it on the command line
// (NAME=VALUE) or copy this file and edit it.  To run on live interfaces,
// replace FromDump/ToDump with FromDevice/ToDevice.
//
// Traffic to try: wrap a capture's IPv4 packets in flat headers, the ids
// derived from their own addresses (10.0.0.6 becomes the id
// 000000000000000000000000000000000a000006):
//
//   FromDump(capture.pcap, STOP true) -> Classifier(12/0800) -> Strip(14)
//     -> FlatEncap(FROM_IP, FROM_IP, PROTO ipv4)
//     -> EtherEncap(0x88B6, 02:00:00:00:00:01, 02:00:00:00:00:02)
//     -> ToDump(lan.pcap);
//
// tests/confs/flatnode-*.testie do this with the shared sample captures
// and count what leaves each output against tcpdump.
//
// A frame's way through the node:
//
//   FromDump -> Classifier: EtherType 0x88B6 goes on, the rest is counted
//               and dropped (other.count)
//            -> Strip(14) -> CheckFlatHeader: version, lengths, hop limit
//               not 0; malformed headers are counted by reason
//               (chk.drop_details) and dropped; Ethernet padding goes
//            -> DecFlatHLIM: one hop less; a frame whose hop limit runs
//               out is dropped (dh.drops), so a forwarding loop dies
//            -> FlatLookup: the destination id picks the output:
//                 0  eth0          1  eth1
//                 2  local delivery: the flat header is removed and the
//                    payload (an IPv4 or IPv6 packet, next header 4 or 41)
//                    written to $LOCAL as raw IP
//                 3  misses (see below)
//               An entry with a next hop sets the frame's Ethernet
//               destination to it.
//            -> Unstrip(14): the frame gets its Ethernet header back
//            -> Queue -> Unqueue -> ToDump
//
// Misses.  What happens to a frame whose destination id is not in the
// table is $MISS, FlatLookup's MISS keyword:
//   punt   (the default here) the frame goes to the last output, 3, the
//          control output: it is written to $MISSES for a control plane
//          (or a student) to look at, and counted in misses.count.  The
//          table's entries may not use output 3.
//   drop   the frame is dropped and counted in fl.drop_reasons (`no
//          route'); output 3 stays idle.
//   0 or 1 a default route: misses leave by that interface.
// Entries can be changed while frames flow, through fl's write handlers
// (a Script, or the tenant's control plane): `fl.add ID OUT [NEXTHOP]',
// `fl.set ...', `fl.remove ID'; fl.table lists the table.
//
// What to look at after a run (cabo -h ELEMENT.HANDLER):
//   tx0.count, tx1.count       frames sent on each interface
//   local.count                packets delivered here
//   misses.count               frames whose id is not in the table (punt)
//   fl.drop_reasons            misses with MISS drop (`no route')
//   chk.drop_details           malformed flat headers, by reason
//   dh.drops                   frames whose hop limit ran out
//   other.count                frames that are not 0x88B6
//   fl.table, fl.count         the id table

define(
	// ---- the interfaces
	$IN0 in0.pcap,                  // frames received on eth0
	$OUT0 out0.pcap,                // frames sent on eth0
	$IN1 in1.pcap,                  // frames received on eth1
	$OUT1 out1.pcap,                // frames sent on eth1

	// ---- the id table
	$IDS flat-ids.txt,              // ID OUTPUT [NEXTHOP], one a line
	$MISS punt,                     // ids not in the table: punt, drop, 0, 1

	// ---- the rest
	$LOCAL local.pcap,              // payloads delivered here (raw IP)
	$MISSES misses.pcap,            // frames punted as misses
	$QUEUE 1000,                    // each interface's output queue
	$TIMING false                   // true: replay the traces at their pace
)

// ---- Receiving.  Both interfaces feed one pipeline: a flat id is looked
// up the same way wherever the frame came from.
src0 :: FromDump($IN0, TIMING $TIMING, END_CALL done.step);
src1 :: FromDump($IN1, TIMING $TIMING, END_CALL done.step);
// Both traces done: give the queues a moment to drain, then stop.
done :: Script(pause 2, wait 10ms, stop);

c :: Classifier(12/88b6,        // flat header
                -);             // anything else
src0 -> c;
src1 -> c;
c[1] -> other :: Counter -> Discard;

c[0] -> Strip(14)
     -> chk :: CheckFlatHeader
     -> dh :: DecFlatHLIM
     -> fl :: FlatLookup(FILE $IDS, MISS $MISS);

// ---- Sending.  A real interface pulls frames from its queue at line
// rate; a trace file takes everything queued each time Unqueue runs.
q0 :: Queue($QUEUE) -> Unqueue(BURST -1) -> tx0 :: Counter -> ToDump($OUT0);
q1 :: Queue($QUEUE) -> Unqueue(BURST -1) -> tx1 :: Counter -> ToDump($OUT1);

fl[0] -> Unstrip(14) -> q0;
fl[1] -> Unstrip(14) -> q1;
// Local delivery: the payload alone.
fl[2] -> FlatDecap -> local :: Counter -> ToDump($LOCAL, ENCAP IP);
// Misses (MISS punt): the whole frame, for the control plane.
fl[3] -> Unstrip(14) -> misses :: Counter -> ToDump($MISSES);
