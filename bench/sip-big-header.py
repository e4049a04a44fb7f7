#!/usr/bin/env python3
"""Big-header attack probe (see docs/robustness.md): against `tapi answer --reject`
on 127.0.0.1:PORT, 40 ordinary INVITEs 100 ms apart, their time to the 603; with
ATTACK=1 meanwhile 10 INVITE datagrams per second of 5,000 headers (59 KB) each.
Usage: bench/sip-big-header.py PORT ATTACK   (bounded: about 6 s)"""
import socket, sys, time, threading
port=int(sys.argv[1]); attack=int(sys.argv[2])
def inv(cid, nh, lp):
    hdrs="".join("X-H%d: a\r\n"%i for i in range(nh))
    return ("INVITE sip:x@127.0.0.1:%d SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%s\r\n"
     "From: <sip:a@127.0.0.1:%d>;tag=1\r\nTo: <sip:x@127.0.0.1:%d>\r\nCall-ID: %s\r\nCSeq: 1 INVITE\r\n"
     "Contact: <sip:a@127.0.0.1:%d>\r\nMax-Forwards: 70\r\n%sContent-Length: 0\r\n\r\n")%(port,lp,cid,lp,port,cid,lp,hdrs)
stop=False
def attacker():
    s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); lp=s.getsockname()[1]; i=0
    while not stop:
        s.sendto(inv("big%d"%i,5000,lp).encode(),("127.0.0.1",port)); i+=1; time.sleep(0.1)
if attack: threading.Thread(target=attacker,daemon=True).start()
s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); lp=s.getsockname()[1]; s.settimeout(2)
lat=[]
for i in range(40):
    cid="ord%d-%d"%(attack,i); t0=time.time(); s.sendto(inv(cid,5,lp).encode(),("127.0.0.1",port))
    try:
        while True:
            d,_=s.recvfrom(70000)
            if cid.encode() in d and b" 603 " in d.split(b"\r\n")[0]: lat.append((time.time()-t0)*1e3); break
    except socket.timeout: lat.append(float('nan'))
    # ACK the 603 so it is not retransmitted
    ack=("ACK sip:x@127.0.0.1:%d SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%s\r\nFrom: <sip:a@127.0.0.1:%d>;tag=1\r\nTo: <sip:x@127.0.0.1:%d>\r\nCall-ID: %s\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n")%(port,lp,cid,lp,port,cid)
    s.sendto(ack.encode(),("127.0.0.1",port)); time.sleep(0.1)
stop=True
lost=sum(1 for x in lat if x!=x); lat=sorted(x for x in lat if x==x); n=len(lat)
print("attack=%d: %d answered, %d no answer in 2 s; median %.2f ms, p90 %.2f ms, max %.2f ms"%(attack, n, lost, lat[n//2], lat[int(n*0.9)], lat[-1]))
