import graphene

from .models import User


class Query(graphene.ObjectType):
    hello = graphene.String(name=graphene.String())
    user_count = graphene.Int()

    def resolve_hello(root, info, name=None):
        return f"Hello, {name}!" if name else "world"

    def resolve_user_count(root, info):
        return User.objects.count()


schema = graphene.Schema(query=Query)
