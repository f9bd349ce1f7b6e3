"""Experiment (issue 9): the answerability model trained with the tuning set's news questions added (answerable
ones labelled by whether the first quote holds the evidence, near misses and off-topic ones as 0), weighted W,
5 folds; prints the SQuAD and the tuning set's out-of-fold figures with and without them.

  npm run train-reader -- --work WORK      (its span and answer rows; then restore models/reader/reader.json)
  tsx scripts/experiments/news-rows.ts models/reader/reader.json WORK
  python3 scripts/experiments/news-answerability.py WORK [W]
"""
import json,os,numpy as np,sys,xgboost as xgb
sys.path.insert(0,os.path.join(os.path.dirname(os.path.abspath(__file__)),'..')); import train_reader as tr
os.chdir(sys.argv[1])
W=float(sys.argv[2]) if len(sys.argv)>2 else 20
work='.'
names,ax0,ameta=tr.read(work,'answers')
if os.path.exists('ax.npy'): ax=np.load('ax.npy')
else:
  span_names,sx,smeta=tr.read(work,'spans')
  span_oof,_=tr.out_of_fold('span',sx,smeta['label'],smeta['fold'],span_names)
  top,second,best_row=tr.span_scores_by_instance(smeta['instance'],smeta['extra'],span_oof)
  tsf={n:span_names.index(c) for n,c in json.load(open(work+'/top-span-features.json')).items()}
  col={n:i for i,n in enumerate(names)}; ax=ax0.copy()
  for i,q in enumerate(ameta['instance']):
    ax[i,col['spanTop']]=np.float32(top.get(int(q),0.0)); ax[i,col['spanSecond']]=np.float32(second.get(int(q),0.0))
    if int(q) in best_row:
        for n,c in tsf.items(): ax[i,col[n]]=sx[best_row[int(q)],c]
  np.save('ax.npy',ax)
y=ameta['label']; folds=ameta['fold']
d=json.load(open('news-rows.json'))
def mat(rs): return np.array([[r['row'][n] for n in names] for r in rs],dtype=np.float32)
tun=[r for r in d if r['set']=='tuning' and r['row']]; hold=[r for r in d if r['set']=='holdout' and r['row']]
nx=mat(tun); ny=np.array([r['label'] for r in tun],dtype=np.float32); nf=np.arange(len(tun))%5
kind=np.array([r['kind'] for r in tun])
def fitw(x,yy,w):
    p=tr.PARAMS['answer']; params={"objective":"binary:logistic","base_score":0.5,"tree_method":"hist","seed":0,"nthread":2,"max_depth":p["max_depth"],"eta":p["learning_rate"],"subsample":p["subsample"],"colsample_bytree":p["colsample_bytree"],"min_child_weight":p["min_child_weight"],"max_bin":64}
    return xgb.train(params,xgb.DMatrix(x,label=yy,weight=w),num_boost_round=p["n_estimators"])
def news_metrics(s,kinds,labels):
    ans=kinds=='answerable'; nm=kinds=='near-miss'
    t=np.quantile(s[ans],0.05)  # answers 95% of answerable
    a=tr.auc(np.r_[np.ones(ans.sum()),np.zeros(nm.sum())],np.r_[s[ans],s[nm]])
    return 'AUC ans/nm %.3f  nm refused@95%% %.2f  offtopic refused %.2f  quote-right among answered %.2f'%(a,(s[nm]<t).mean(),(s[kinds=='off-topic']<t).mean(),labels[ans&(s>=t)].mean())
X=np.vstack([ax,nx]); Y=np.r_[y,ny]; F=np.r_[folds,nf]; isn=np.r_[np.zeros(len(y)),np.ones(len(ny))].astype(bool)
imp=np.r_[ameta['impossible'],np.zeros(len(ny))]; answerable=np.r_[(ameta['impossible']==0)&(ameta['withheld']==0),np.zeros(len(ny))].astype(bool)
for w in ([0,W] if W else [0]):
    wt=np.where(isn,w,1.0); s=np.zeros(len(Y))
    for k in range(5):
        trn=F!=k; m=fitw(X[trn&(wt>0)],Y[trn&(wt>0)],wt[trn&(wt>0)]); s[~trn]=m.predict(xgb.DMatrix(X[~trn]))
    sq=~isn; mk=sq&(answerable|(imp==1))
    print('w=%g squad AUC %.3f ans-vs-imp %.3f | tuning OOF: %s'%(w,tr.auc(Y[sq],s[sq]),tr.auc(answerable[mk].astype(int),s[mk]),news_metrics(s[isn],kind,ny)))
