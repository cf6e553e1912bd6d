/** dcmjs ships no type declarations; it is used through a small, typed surface in read.ts/write.ts. */
declare module "dcmjs" {
  // biome-ignore lint/suspicious/noExplicitAny: untyped third-party module
  const dcmjs: any;
  export default dcmjs;
}
