import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
function im2colFilterGrad(x, dy, filterShape, strides, pad) {
  const [kh, kw, cin, cout] = filterShape;
  const [n, h, w] = x.shape; const [, oh, ow] = dy.shape;
  let xp = x;
  if (pad === 'same') { const ph = Math.max((oh-1)*strides[0]+kh-h,0), pw=Math.max((ow-1)*strides[1]+kw-w,0); xp = tf.pad(x, [[0,0],[Math.floor(ph/2), ph-Math.floor(ph/2)],[Math.floor(pw/2), pw-Math.floor(pw/2)],[0,0]]); }
  const cols=[];
  for (let i=0;i<kh;i++) for (let j=0;j<kw;j++) cols.push(tf.stridedSlice(xp,[0,i,j,0],[n,i+(oh-1)*strides[0]+1,j+(ow-1)*strides[1]+1,cin],[1,strides[0],strides[1],1]));
  const patches = tf.reshape(tf.concat(cols, 3), [n*oh*ow, kh*kw*cin]);
  const g = tf.matMul(tf.transpose(patches), tf.reshape(dy,[n*oh*ow,cout]));
  return tf.reshape(g, filterShape);
}
tf.registerKernel({kernelName:'Conv2DBackpropFilter', backendName:'wasm', kernelFunc: ({inputs, attrs}) => {
  const {x, dy} = inputs; const {strides, pad, filterShape} = attrs;
  return tf.tidy(()=> im2colFilterGrad(tf.engine().makeTensorFromTensorInfo(x), tf.engine().makeTensorFromTensorInfo(dy), filterShape, Array.isArray(strides)?strides:[strides,strides], pad));
}});
await tf.setBackend('wasm');
const x = tf.randomUniform([64,28,28,1]);
const w1 = tf.variable(tf.randomNormal([3,3,1,16]));
const w2 = tf.variable(tf.randomNormal([3,3,16,32]));
function f(){ const a = tf.conv2d(x,w1,1,'same'); const b=tf.maxPool(tf.relu(a),2,2,'valid'); const c=tf.conv2d(b,w2,1,'same'); return tf.mean(c);}
for (let i=0;i<3;i++){ let t=Date.now(); tf.tidy(()=>{ f().dataSync(); }); const tf1=Date.now()-t; 
 t=Date.now(); const g = tf.tidy(()=>{ const {grads}=tf.variableGrads(f); return Object.values(grads).map(g=>g.arraySync().flat(3).slice(0,3));}); console.log('fwd',tf1,'fwd+bwd',Date.now()-t, JSON.stringify(g));}
const prof = await tf.profile(()=>tf.tidy(()=>{ const {grads}=tf.variableGrads(f); Object.values(grads).forEach(g=>g.dataSync());}));
const agg={}; for (const k of prof.kernels){ agg[k.name]=(agg[k.name]||0)+ (k.kernelTimeMs||0);} console.log(Object.entries(agg).sort((a,b)=>b[1]-a[1]).slice(0,8));
