import struct, sys, collections
# usage: owners.py dump.hprof TYPE (e.g. "[I" or class name) -> owner classes of objects of that type (count, bytes)
f=open(sys.argv[1],'rb').read()
want=sys.argv[2]
p=f.index(b'\0')+1
idsz=struct.unpack('>I',f[p:p+4])[0]; p+=12
rid=lambda q: struct.unpack('>Q',f[q:q+8])[0]
strings={}; classname={}; classinfo={}; objclass={}; objsize={}; refs=[]
basic={2:idsz,4:1,5:2,6:4,7:8,8:1,9:2,10:4,11:8}
PRIM={4:'[Z',5:'[C',6:'[F',7:'[D',8:'[B',9:'[S',10:'[I',11:'[J'}
instances=[]
while p<len(f):
    tag=f[p]; ln=struct.unpack('>I',f[p+5:p+9])[0]; p+=9; end=p+ln
    if tag==1: strings[rid(p)]=f[p+8:end].decode('utf8','replace')
    elif tag==2: classname[rid(p+4)]=strings.get(rid(p+16),'?').replace('/','.')
    elif tag in (0x0c,0x1c):
        q=p
        while q<end:
            st=f[q]; q+=1
            if st==0xff: q+=idsz
            elif st in (1,): q+=2*idsz
            elif st in (2,3): q+=idsz+8
            elif st in (4,7): q+=idsz
            elif st==5: q+=idsz
            elif st in (6,8): q+=idsz+8
            elif st==0x20:
                cid=rid(q); sup=rid(q+idsz); q+=7*idsz+8
                n=struct.unpack('>H',f[q:q+2])[0]; q+=2
                for _ in range(n):
                    t=f[q+2]; q+=3+basic[t]
                n=struct.unpack('>H',f[q:q+2])[0]; q+=2
                for _ in range(n):
                    t=f[q+idsz]; q+=idsz+1+basic[t]
                n=struct.unpack('>H',f[q:q+2])[0]; q+=2
                flds=[]
                for _ in range(n):
                    flds.append(f[q+idsz]); q+=idsz+1
                classinfo[cid]=(sup,flds)
            elif st==0x21:
                oid=rid(q); cid=rid(q+idsz+4); n=struct.unpack('>I',f[q+2*idsz+4:q+2*idsz+8])[0]; q+=2*idsz+8
                objclass[oid]=cid; objsize[oid]=16+n; instances.append((oid,cid,q,n)); q+=n
            elif st==0x22:
                oid=rid(q); n=struct.unpack('>I',f[q+idsz+4:q+idsz+8])[0]; acid=rid(q+idsz+8); q+=2*idsz+8
                objclass[oid]=('OA',acid); objsize[oid]=16+4*n
                for i in range(n):
                    r=rid(q+i*8)
                    if r: refs.append((r,oid))
                q+=n*idsz
            elif st==0x23:
                oid=rid(q); n=struct.unpack('>I',f[q+idsz+4:q+idsz+8])[0]; t=f[q+idsz+8]; q+=idsz+9
                objclass[oid]=PRIM[t]; objsize[oid]=16+n*basic[t]; q+=n*basic[t]
            else: raise Exception('subtag %x'%st)
    p=end
def cname(c):
    if isinstance(c,str): return c
    if isinstance(c,tuple): return classname.get(c[1],'?')+'[]'
    return classname.get(c,'?')
for oid,cid,q,n in instances:
    c=cid; off=q
    while c and c in classinfo:
        sup,flds=classinfo[c]
        for t in flds:
            if t==2:
                r=rid(off)
                if r: refs.append((r,oid))
            off+=basic[t]
        c=sup
owner=collections.defaultdict(list)
for r,o in refs: owner[r].append(o)
agg=collections.Counter(); cnt=collections.Counter()
for oid,c in objclass.items():
    if cname(c)==want:
        os_=owner.get(oid,[])
        key=' | '.join(sorted(set(cname(objclass.get(o)) for o in os_))) or '(root/none)'
        agg[key]+=objsize[oid]; cnt[key]+=1
for k,v in agg.most_common(25): print('%10d %7d %s'%(v,cnt[k],k))
sz=collections.Counter()
for oid,c in objclass.items():
    if cname(c)==want and not owner.get(oid): sz[objsize[oid]]+=1
print(sz.most_common(10))
