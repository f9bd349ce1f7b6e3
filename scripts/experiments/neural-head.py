"""Experiment (issue 9): a small neural head on the shipped USE-lite vectors, [q, s, |q-s|, q*s] -> MLP, trained
listwise over each question's retrieved sentences with a learned "no answer" option (SQuAD 2.0's impossible
questions and answerable ones with their answer sentences withheld), 5 folds by article. Measures sentence
accuracy@1 and answerable-vs-impossible AUC out of fold, and writes the out-of-fold scores for stacking.

  tsx scripts/experiments/dump-pairs.ts WORK && python3 scripts/experiments/neural-head.py WORK [HIDDEN] [EPOCHS]
"""
import json, sys, numpy as np, torch, time
from sklearn.metrics import roc_auc_score
from head_examples import examples
torch.manual_seed(0); np.random.seed(0); torch.set_num_threads(2)
WORK=sys.argv[1]
D=512; L=44
Q=torch.from_numpy(np.fromfile(WORK+'/questions.f32',dtype=np.float32).reshape(-1,D))
S=torch.from_numpy(np.fromfile(WORK+'/sentences.f32',dtype=np.float32).reshape(-1,D))
S=torch.cat([S,torch.zeros(1,D)])  # pad row
PAD=S.shape[0]-1
rows=[json.loads(l) for l in open(WORK+'/pairs.jsonl')]
H=int(sys.argv[2]) if len(sys.argv)>2 else 64
EPOCHS=int(sys.argv[3]) if len(sys.argv)>3 else 4
class Head(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.pair=torch.nn.Sequential(torch.nn.Linear(4*D,H),torch.nn.ReLU(),torch.nn.Linear(H,1))
        s.null=torch.nn.Sequential(torch.nn.Linear(D,H),torch.nn.ReLU(),torch.nn.Linear(H,1))
    def forward(s,q,ids,mask):  # q (B,D) ids (B,L) mask (B,L)
        sv=S[ids]; u=q[:,None,:].expand_as(sv)
        sc=s.pair(torch.cat([u,sv,(u-sv).abs(),u*sv],2)).squeeze(2)
        sc=sc.masked_fill(~mask,-1e4)
        return torch.cat([sc,s.null(q)],1)  # (B,L+1)
def tensors(ex):
    B=len(ex); ids=torch.full((B,L),PAD); mask=torch.zeros(B,L,dtype=torch.bool); tgt=torch.zeros(B,L+1)
    qs=torch.tensor([e[0] for e in ex])
    for b,(q,i,lab) in enumerate(ex):
        ids[b,:len(i)]=torch.tensor(i); mask[b,:len(i)]=True
        if lab is None: tgt[b,L]=1
        else: tgt[b,:len(i)]=torch.from_numpy(np.array(lab,dtype=np.float32))
    return Q[qs],ids,mask,tgt
def run(train_rows, test_rows):
    m=Head(); opt=torch.optim.Adam(m.parameters(),lr=1e-3,weight_decay=1e-5)
    ex=examples(train_rows,True)
    for ep in range(EPOCHS):
        np.random.shuffle(ex)
        for k in range(0,len(ex),64):
            q,ids,mask,tgt=tensors(ex[k:k+64])
            lp=torch.log_softmax(m(q,ids,mask),1)
            loss=-(torch.logsumexp(lp+torch.log(tgt+1e-30),1)).mean()
            opt.zero_grad(); loss.backward(); opt.step()
    m.eval(); out=[]
    with torch.no_grad():
        for r in test_rows:
            if not r['ids']: out.append(None); continue
            q,ids,mask,_=tensors([(r['q'],r['ids'],None)])
            o=m(q,ids,mask)[0]; n=len(r['ids'])
            out.append((o[:n].numpy(),o[L].item()))
    return out
t=time.time(); res=[None]*len(rows)
for f in range(5):
    tr=[r for r in rows if r['fold']!=f]; te=[i for i,r in enumerate(rows) if r['fold']==f]
    for i,x in zip(te,run(tr,[rows[i] for i in te])): res[i]=x
    print('fold',f,round(time.time()-t),flush=True)
acc_h=[];acc_c=[];ns=[];ys=[]
for r,x in zip(rows,res):
    if x is None: continue
    sc,nl=x; lab=np.array(r['labels']); cos=(S[r['ids']]@Q[r['q']]).numpy()
    if not r['impossible'] and lab.sum()>0: acc_h.append(lab[sc.argmax()]); acc_c.append(lab[cos.argmax()])
    p=np.exp(np.concatenate([sc,[nl]])-max(sc.max(),nl)); p/=p.sum()
    ns.append(1-p[-1]); ys.append(0 if r['impossible'] else 1)
print('H',H,'epochs',EPOCHS)
print('sentence acc@1 head %.3f cosine %.3f (n=%d)'%(np.mean(acc_h),np.mean(acc_c),len(acc_h)))
print('answerable vs impossible AUC %.3f'%roc_auc_score(ys,ns))
import pickle; pickle.dump(res,open(WORK+'/oof_head_%d.pkl'%H,'wb'))
