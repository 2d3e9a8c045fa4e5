import type { Principal } from '@shop/lambda-kit';
import type { Viewer } from './catalog.service';

export const viewerOf = (principal: Principal | null): Viewer => ({
  isAdmin: principal?.groups.includes('admin') ?? false,
});
