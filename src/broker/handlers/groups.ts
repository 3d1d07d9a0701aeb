import type { RequestContext } from '../broker-context.ts';

// The classic group protocol: bodies go straight to the I/O-free GroupCoordinator, which
// answers in the shape of the requested version.

export function handleJoinGroup(ctx: RequestContext, req: any): Promise<object> {
  return ctx.broker.groups.joinGroup(req, ctx.apiVersion, { clientId: ctx.clientId ?? '', clientHost: ctx.clientHost });
}

export function handleSyncGroup(ctx: RequestContext, req: any): Promise<object> {
  return ctx.broker.groups.syncGroup(req, ctx.apiVersion);
}

export function handleHeartbeat(ctx: RequestContext, req: any): object {
  return ctx.broker.groups.heartbeat(req, ctx.apiVersion);
}

export function handleLeaveGroup(ctx: RequestContext, req: any): object {
  return ctx.broker.groups.leaveGroup(req, ctx.apiVersion);
}

export function handleOffsetCommit(ctx: RequestContext, req: any): object {
  return ctx.broker.groups.offsetCommit(req, ctx.apiVersion);
}

export function handleOffsetFetch(ctx: RequestContext, req: any): object {
  return ctx.broker.groups.offsetFetch(req, ctx.apiVersion);
}

export function handleListGroups(ctx: RequestContext, req: any): object {
  return ctx.broker.groups.listGroups(req, ctx.apiVersion);
}

export function handleDescribeGroups(ctx: RequestContext, req: any): object {
  return ctx.broker.groups.describeGroups(req, ctx.apiVersion);
}

export function handleDeleteGroups(ctx: RequestContext, req: any): object {
  return ctx.broker.groups.deleteGroups(req, ctx.apiVersion);
}

export function handleOffsetDelete(ctx: RequestContext, req: any): object {
  return ctx.broker.groups.offsetDelete(req);
}
