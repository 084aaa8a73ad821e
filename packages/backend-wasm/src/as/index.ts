// Entry of clipq's AssemblyScript SIMD module: the exported kernels. Built with
// `asc --enable simd --runtime stub --importMemory --noAssert --use abort=`: the module imports the
// host's memory, has no data segments and no stack, and every buffer comes from the host's allocator.
export { prepareEpilogue, setEpilogue, setRequantize } from './epilogue';
export { dequantize, fakeQuant, quantize } from './fake_quant';
export { fakeQuantGrad } from './fake_quant_grad';
export { gemv, gemvRows } from './gemv';
export { gemm } from './mat_mul_int8';
export { gemmCodes, gemmPatches } from './gemm_chunked';
export { boundsMax, codeBounds, packA, packB, unpackB } from './pack';
export { depthwise, foldWeights } from './depthwise';
export { convDirect, prepareDirectWeights } from './conv_direct';
export { convPaddedGemm } from './conv_padded_gemm';
export { maxPoolCodes } from './max_pool';
