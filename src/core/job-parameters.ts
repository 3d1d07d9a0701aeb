/** Read by every user function through `RuntimeContext.getGlobalJobParameters()`. */
export type GlobalJobParameters = Readonly<Record<string, string>>;
