import type { NextFunction, Request, Response } from "express";

// Wraps async handlers so a rejected promise reaches the one error middleware.
export const h =
  (fn: (req: Request, res: Response) => Promise<unknown>) =>
  (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
